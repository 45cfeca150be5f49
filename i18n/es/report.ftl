## El veredicto de una ejecución, en la terminal (src/report/terminal.rs)

verdict-held = CUMPLIDO
verdict-failed = FALLIDO
verdict-error = ERROR
term-verdict = { $name }: { $verdict } — { $held ->
        [one] se cumplió
       *[other] se cumplieron
    } { $held } de { $total } { $total ->
        [one] expectativa
       *[other] expectativas
    }
term-error = { $name }: { $verdict } — { $reason }
term-teardown-left = el desmontaje dejó algo atrás
term-not-available = no disponible en este kernel o en esta ejecución
term-ok = ok
term-fail = FALLA
term-expectation = { $mark } { $metric } = { $value }   (se esperaba { $expected })
term-results = resultados: { $dir }
unit-cores = { $n } núcleos

## El informe de una ejecución: report.md y report.html (src/report/document.rs)

doc-what-ran = Qué se ejecutó
doc-verdict = Veredicto
doc-what-happened = Qué pasó
doc-charts = Gráficas
doc-events = Eventos
doc-key-numbers = Cifras clave
doc-no-expectations = El escenario no declara expectativas.
doc-not-measured = No se midió en esta ejecución (no hubo tal carga u objetivo, o este kernel no lo ofrece): { $names }.
doc-aborted = La ejecución se abortó: { $reason }.
doc-unmeasured-aborted = no se midió: la ejecución no terminó
doc-unavailable = no disponible
col-expectation = expectativa
col-value = valor
col-expected = esperado
col-event = evento
col-detail = detalle
col-metric = métrica
mark-held = se cumplió
fact-scenario = escenario
fact-started = inicio
fact-duration = duración
fact-duration-value = { $planned } previstos, duró { $ran }
fact-workloads = cargas
fact-start-after = { " " }a los { $after }
fact-limits = límites (tal como se escribieron en el kernel)
fact-limits-none = ninguno escrito
fact-sandbox = sandbox
fact-sandbox-value = espacios de nombres { $namespaces }; uid { $uid } gid { $gid }; filtro de llamadas al sistema { $seccomp }
fact-host = máquina
fact-host-value = { $hostname }, Linux { $kernel }, { $cgroups }, { $cpus } CPU{ $memory }
fact-node = nodo
fact-container-runtime = runtime de contenedores
fact-cgroups-unknown = cgroups desconocidos
fact-cgroups-from = origen de los cgroups
fact-psi = presión (PSI)
fact-psi-cgroup = el propio cgroup del sandbox
fact-psi-system = de todo el sistema (/proc/pressure)
fact-psi-none = no disponible en este kernel

## Lo que un resumen dice en palabras (src/report/summary.rs): notas, qué contuvo la carga,
## y las frases de la terminal y de los informes

note-safety-ceiling = El escenario no fija un límite de pids; se aplicó el techo de seguridad de limitlab (pids.max = { $max }).
note-safety-ceiling-held = El escenario no fija un límite de pids; se aplicó el techo de seguridad de limitlab (pids.max = { $max }) y fue él quien contuvo la carga.
note-memory-ceiling = El escenario no fija un límite de memoria; se aplicó el techo de memoria de limitlab ({ $ceiling }) y se alcanzó.
note-memory-hits-uncounted = memory.limit_hits no se puede saber en este kernel: el OOM killer actuó en el límite de memoria, pero memory.failcnt y memory.memsw.failcnt de cgroup v1 siguen en 0 (este kernel no cuenta ahí las cargas rechazadas); memory.oom_kills cuenta lo que hizo el límite.
note-no-kernel-pids-peak = Este kernel no lleva pids.peak, así que pids.peak es el máximo muestreado de pids.current, que por un instante puede quedar unos pocos por encima de pids.max (el kernel carga un fork antes de compararlo con el límite, y luego lo revierte).
note-rootless = Se ejecutó sin root{ $who }: el sandbox tuvo su propio espacio de nombres de usuario (la carga era el uid { $uid } dentro, el uid del arnés fuera) y sus cgroups se crearon bajo el cgroup delegado a ese usuario.
note-private-uid = RLIMIT_NPROC cuenta todos los procesos de un uid en toda la máquina: la carga se ejecutó como el uid { $uid }, reservado solo para esta ejecución, así que solo contaron los procesos del propio sandbox.
note-leaked = El desmontaje dejó atrás { $processes } { $processes ->
        [one] proceso
       *[other] procesos
    } y { $cgroups } { $cgroups ->
        [one] cgroup
       *[other] cgroups
    }: { $which }
held-by-target = el propio pids.max del objetivo = { $value } ({ $path })
held-by-ceiling = el techo de seguridad de limitlab (pids.max = { $max }), no el escenario
held-by-own-cgroup = el propio cgroup de limitlab bajo el objetivo
held-by-memory = el límite de memoria ({ $limit }), mediante el OOM killer
said-target-init = { " " }(su init es el pid { $pid })
said-target-no-limit = ningún límite propio
said-target = La carga se ejecutó en { $target }{ $pid }, en un cgroup de limitlab bajo el del objetivo, que tiene { $limits }.
said-target-refused = El límite de pids del objetivo rechazó { $refused } { $refused ->
        [one] fork
       *[other] forks
    }; su cgroup tuvo como mucho { $peak } { $peak ->
        [one] tarea
       *[other] tareas
    }.
said-unknown-number = un número desconocido de
said-target-alive = El proceso propio del objetivo seguía vivo después del desmontaje.
said-target-dead = El proceso propio del objetivo NO sobrevivió a la ejecución.
said-its-target = su objetivo
said-pids-reached = La carga alcanzó el límite de pids de { $limit } a los { $after }{ $held_for }; { $at_once } fue { $peak }, y { $refused ->
        [one] se rechazó { $refused } fork
       *[other] se rechazaron { $refused } forks
    }.
said-held-for = { " " }y quedó contenida ahí durante { $time }
said-pids-never = La carga nunca alcanzó el límite de pids de { $limit }; { $at_once } fue { $peak }.
said-bomb-count = La cuenta de la propia bomba integrada: { $made } { $made ->
        [one] fork hecho
       *[other] forks hechos
    }, { $refused } { $refused ->
        [one] rechazado
       *[other] rechazados
    } por el kernel.
said-oom-killed = ; el OOM killer mató { $count } { $count ->
        [one] proceso
       *[other] procesos
    }
said-memory-limit = La memoria llegó como máximo a { $peak } frente a un límite de { $limit }{ $oom }.
said-memory-ceiling = La memoria llegó como máximo a { $peak } frente al techo de memoria de limitlab de { $limit }{ $oom }.
said-cpu-quota = { " " }(cuota de { $quota } núcleos)
said-cpu = El sandbox usó en promedio { $cores } núcleos de CPU{ $quota }.
said-held-by = Qué la contuvo: { $held_by }.
said-teardown-clean = El desmontaje ({ $method }) tardó { $took }; no quedó nada atrás.
said-teardown-leaked = El desmontaje ({ $method }) tardó { $took }; { $count ->
        [one] quedó { $count } cosa
       *[other] quedaron { $count } cosas
    } atrás.

## El informe combinado de un barrido (src/report/sweep.rs)

sweep-na = n/d
sweep-nothing-had-to = nada tuvo que hacerlo
sweep-no-summary = no se escribió ningún resumen
sweep-did-not-run = no se ejecutó ({ $why }).
sweep-held-by = la contuvo { $held_by }
sweep-no-limit-had-to = ningún límite tuvo que contenerla
sweep-peak = como mucho { $peak } { $peak ->
        [one] tarea
       *[other] tareas
    } a la vez
sweep-peak-reached = como mucho { $peak } { $peak ->
        [one] tarea
       *[other] tareas
    } a la vez, el límite se alcanzó a los { $ms } ms
sweep-forks-refused = { $count } { $count ->
        [one] fork rechazado
       *[other] forks rechazados
    }
sweep-host-forks-failed = los forks de la propia máquina tardaron { $p99 } ms en el p99, y { $failed } de ellos { $failed ->
        [one] falló
       *[other] fallaron
    }
sweep-host-forks-ok = los forks de la propia máquina siguieron funcionando ({ $p99 } ms en el p99)
sweep-every-held = se cumplieron todas las expectativas
sweep-one-failed = una expectativa FALLÓ
sweep-incomplete = la ejecución no terminó
sweep-finding = { $parts }; { $verdict }.
sweep-of-cells = un barrido de { $cells } { $cells ->
        [one] celda
       *[other] celdas
    }
sweep-a-sweep = un barrido
sweep-scenario = Escenario: { $source }
sweep-col-cell = celda
sweep-col-verdict = veredicto
sweep-col-held-by = qué la contuvo
sweep-shows = Lo que muestra el barrido
sweep-each-cell = Cada celda
sweep-cell-did-not-run = La celda no se ejecutó: { $error }

## Lo que vio la carga (src/sandbox/view.rs)

view-uncapped-tmpfs = tmpfs privados en { $paths } (sin tope propio: los contiene el límite de memoria)
view-capped = { $path } ({ $kind }, como mucho { $cap })
view-sentence = El sandbox vio { $root }; con escritura: { $writable }; montado desde la máquina: { $binds }; /dev: { $dev } ({ $devices }); /proc: { $proc }; /sys: { $sys }; enmascarado: { $masked }; de solo lectura: { $read_only }.
view-none = nada

## Objetivos: el contenedor tal como se encontró y como quedó, límites del runtime (src/report/summary.rs)

said-at-once = el máximo de tareas a la vez
said-at-once-target = el máximo de tareas a la vez en el cgroup del objetivo (la marca máxima del kernel desde que arrancó el objetivo)
note-left-in-target = La ejecución no dejó el objetivo como lo encontró: { $left }.
said-runtime-limit = La ejecución puso { $key } del contenedor en { $set } mediante la API de { $runtime } (antes era { $previous }); { $restored }.
said-runtime-not-set = sin fijar
said-runtime-restored = { $who } lo devolvió a su valor después
said-runtime-not-restored = NO se pudo devolver a su valor: { $error }
said-runtime-nothing-restored = nada lo devolvió a su valor
said-tasks-in-cgroup = { $tasks } { $tasks ->
        [one] tarea
       *[other] tareas
    } en su cgroup,{ " " }
said-target-before-after = Antes del ataque el objetivo tenía { $tasks_before }{ $before } { $before ->
        [one] proceso
       *[other] procesos
    } ({ $zombies_before } { $zombies_before ->
        [one] zombi
       *[other] zombis
    }); después del desmontaje { $tasks_after }{ $after } ({ $zombies_after }): { $verdict }.
said-as-it-was = como estaba
said-not-as-it-was = NO como estaba ({ $left })
