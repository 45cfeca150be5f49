# What a run says while it runs: why it was aborted or could not start (src/run/), the
# sandbox's start and its uid lease (src/sandbox/), the supervisor, and the init's own errors.

# the run (src/run/)

## Antes de crear nada (src/run/mod.rs)

run-psi-missing = { $source }: [expect] { $metric } necesita la información de presión (pressure stall information) y este kernel no la tiene (falta /proc/pressure): arranca con psi=1 un kernel compilado con CONFIG_PSI, o quita la expectativa

## Por qué se abortó una ejecución: lo dicen el abort_reason de summary.json y el informe (src/run/mod.rs, events.rs)

run-release-failed = no se pudo liberar la carga: { $error }
run-stopped-by = detenida por { $signal }
run-never-started = la carga { $index } ({ $kind }) nunca arrancó: el init del sandbox no la había arrancado cuando terminó la ejecución
run-still-starting = la carga { $index } ({ $kind }) aún estaba arrancando cuando terminó la ejecución: su proceso se creó (fork) a los { $forked } s, pero su exec no había terminado a los { $end } s (en un sandbox cuya CPU acaparan sus otras cargas, un proceso nuevo puede esperar así de largo por una CPU)
run-could-not-start = la carga { $index } ({ $kind }) no pudo arrancar: { $error }

## La preparación del sandbox, mientras el arnés la espera (src/run/events.rs)

run-setup-failed = no se pudo preparar el sandbox: { $step }: { $error }
run-init-join-failed = el init del sandbox no pudo moverse a sus cgroups (falló la escritura de 0 en un archivo tasks de v1)
run-init-ended = el init del sandbox terminó durante la preparación ({ $status })
run-setup-timeout = el init del sandbox no terminó su preparación dentro de { $timeout } del tiempo de CPU que se le dio ({ $wall } s de reloj, { $waited } s de ellos esperando una CPU; el init está en estado { $state }{ $at })
run-setup-timeout-where = { " " }en { $wchan } del kernel
run-setup-timeout-stack = ; su pila en el kernel: { $stack }

## Lo que hacía la preparación de una ejecución cuando falló (src/run/setup.rs): "PASO: ERROR"

run-ctx-create = crear { $file }
run-ctx-counter-page = crear la página de contadores
run-ctx-log-pipe = crear la tubería del registro de las cargas
run-ctx-log-capture = empezar a capturar el registro
run-ctx-pass-target = pasarle el objetivo al sandbox
run-ctx-host-probe = arrancar la sonda de la máquina
run-ctx-sampler = arrancar el muestreador

## El watchdog se rinde con una ejecución (src/run/watchdog.rs)

run-watchdog-gave-up = limitlab: la ejecución está atascada después de su plazo: { $patience } s después de que el watchdog matara el sandbox, nada avanza; se abandona la ejecución ({ $killed ->
        [one] { $killed } proceso matado
       *[other] { $killed } procesos matados
    }, { $stuck ->
        [one] { $stuck } cgroup no se pudo eliminar
       *[other] { $stuck } cgroups no se pudieron eliminar
    })

## El desmontaje: lo que dejó en el objetivo y los archivos de la ejecución que no pudo terminar (src/run/teardown.rs)

run-target-limit-not-restored = no se pudo restablecer su propio límite: { $error }
run-events-incomplete = advertencia: events.csv está incompleto: { $error }
run-samples-incomplete = advertencia: samples.csv está incompleto: { $error }
run-log-cut = nota: las cargas escribieron { $written } bytes de salida; workload.log guarda los primeros { $kept }

## El estado en vivo de un barrido (src/run/progress.rs): la palabra antes de su barra

run-progress-cells = celdas

# the sandbox (src/sandbox/)

## Su arranque (src/sandbox/mod.rs, start.rs): "no se puede arrancar el init del sandbox: PASO: ERROR"

sandbox-start-failed = no se puede arrancar el init del sandbox: { $error }
sandbox-lease-uid = reservar un uid propio de la ejecución en { $dir }: { $error }
sandbox-already-released = ya se había liberado
sandbox-step-tell-supervisor = avisar al supervisor
sandbox-step-open = abrir { $path }
sandbox-step-open-cgroup-dir = abrir la carpeta del cgroup
sandbox-step-cgroup-path = ruta del cgroup
sandbox-nul-byte = contiene un byte NUL
sandbox-step-map-ids = mapear los ids del espacio de nombres de usuario
sandbox-step-send-config = enviar la configuración al init

## El uid propio de la ejecución (src/sandbox/uid.rs)

sandbox-uids-exhausted = todos los uid de { $first } a { $last } están reservados por otra ejecución o los usa algún proceso

## El supervisor, cuando el arnés murió (src/sandbox/supervisor.rs)

supervisor-emptied = supervisor de limitlab: el arnés murió; sandbox { $name }: { $killed ->
        [one] { $killed } proceso matado
       *[other] { $killed } procesos matados
    }, quedaron { $left }, { $stuck ->
        [one] { $stuck } cgroup sin eliminar
       *[other] { $stuck } cgroups sin eliminar
    }
supervisor-restored = supervisor de limitlab: el arnés murió; se restableció { $key } de { $instance }
supervisor-ended = el supervisor ya terminó
supervisor-not-restored = supervisor de limitlab: el arnés murió; no se pudo restablecer { $key } de { $instance }: { $error } (la próxima ejecución lo intentará de nuevo)

# the init (src/sandbox/init/): in the language the harness hands it (LIMITLAB_LANG)

## Los pasos de la preparación que nombra un fallo ("no se pudo preparar el sandbox: PASO: ERROR");
## los que llevan el nombre de su llamada al sistema (setsid, setrlimit, setresuid, chdir /, ...) lo conservan

init-step-running = init en marcha
init-step-running-in-clone = init en marcha en su clon (sin exec)
init-step-favour = favorecer al init
init-step-read-config = leer la configuración
init-step-start = arranque
init-step-join-target = entrar en el objetivo
init-step-join-target-namespaces = entrar en los espacios de nombres del objetivo
init-step-attack-pid-namespace = espacio de nombres pid del ataque
init-step-cgroup-namespace = espacio de nombres cgroup
init-step-bring-up-lo = activar lo
init-step-user-namespace = espacio de nombres de usuario para las cargas
init-step-syscall-filter = filtro de llamadas al sistema
init-step-drop-bounding-set = reducir el conjunto límite (bounding set) de capacidades
init-step-clear-capabilities = quitar las capacidades
init-step-parent-death-signal = señal por muerte del padre
init-step-make-mounts-private = hacer privados los montajes
init-step-read-only-root = raíz de solo lectura
init-step-mount-proc = montar /proc
init-step-minimal-dev = /dev mínimo
init-step-read-only-cgroupfs = cgroupfs de solo lectura
init-step-bind-host-path = montar una ruta de la máquina
init-step-masked-paths = rutas enmascaradas y de solo lectura
init-step-open-host-dev = abrir el /dev de la máquina
init-step-open-bind-source = abrir el origen de un montaje bind
init-step-private-tmpfs = montar un tmpfs privado
init-step-fresh-sysfs = montar un sysfs nuevo
init-step-bind-cgroupfs = montar el cgroupfs dentro del sysfs nuevo
init-step-target-mount-namespace = copia propia del espacio de nombres mount del objetivo

## Lo que falló en un paso, o al arrancar una carga

init-no-target-fd = no hay descriptor del objetivo
init-tmpfs-at = tmpfs en { $dir }: { $error }
init-bind-at = bind de { $source } en { $target }: { $error }
init-devpts = devpts en /dev/pts: { $error }
init-mask = enmascarar { $path }: { $error }
init-read-only = solo lectura en { $path }: { $error }
init-remount-read-only = remontar { $path } de solo lectura: { $error }
init-nul-byte = { $text } contiene un byte NUL
init-program-nul = la ruta del programa contiene un byte NUL
init-reset-signals = restablecer las señales: { $error }
init-place-counter-page = colocar la página de contadores: { $error }
init-exec-unreadable = falló el exec (texto de error ilegible)

# the target (src/sandbox/target/), the LXD and Incus API (src/sandbox/lxd.rs)

## Encontrar el objetivo y comprobar que se puede atacar (src/sandbox/target/mod.rs, runtime.rs)

target-no-process = { $target }: no hay un proceso { $pid } al cual unirse ({ $error })
target-cannot-read-cgroup = { $target }: no se puede leer /proc/{ $pid }/cgroup: { $error }
target-no-pids-limit = { $target } no tiene un límite de pids en su cgroup ni en ninguno por encima, así que una bomba en él podría tomar todos los pids de la máquina; ponle un límite de pids (p. ej. lxc.cgroup.pids.max / --pids-limit / TasksMax=), o dale al escenario limits.pids para el cgroup propio de limitlab debajo de él
target-no-pids-hierarchy = no hay una jerarquía pids en la cual buscar el cgroup del objetivo
target-cgroup-missing = el cgroup { $path } no existe ({ $dir } no es una carpeta)
target-cannot-ask = no se puede preguntar a { $tool } por { $what }: { $error } (¿está instalado { $package }? p. ej. apt-get install { $package })
target-engine-unreachable = { $tool } no puede llegar a su motor para { $what }: { $said }
# $command: la línea de comandos del runtime; $stdout: lo que imprimió, entre comillas; $stderr: su salida de error
target-not-running = { $what } no está en ejecución (o no existe): `{ $command }` respondió { $stdout }{ $stderr }
# $daemon: LXD o Incus; $var: LXD_DIR o INCUS_DIR
target-daemon-unreachable = { $target }: no se puede llegar a { $daemon } ({ $error }); ¿está en ejecución? ({ $var } indica la carpeta de un daemon iniciado en otro lugar)
target-cannot-be-attacked = { $target } no se puede atacar: { $error }
target-cannot-record-restore = no se puede registrar qué restablecer en { $dir } antes de cambiar { $key } en { $target }: { $error }
target-restore-retry = { $error } (registrado en { $file }: la próxima ejecución o `limitlab clean` lo intentará de nuevo)

## Lo que una ejecución dejó en su objetivo, según el desmontaje (src/sandbox/target/state.rs)

target-left-zombie = proceso zombi con pid { $pid } ({ $comm }) en el objetivo, hijo del pid { $ppid }
# $own: target-left-own-new, o nada
target-left-tasks = el pids.current del objetivo es { $after }, frente a { $before } antes de la ejecución: { $tasks ->
        [one] { $tasks } tarea que ningún proceso propio del objetivo explica
       *[other] { $tasks } tareas que ningún proceso propio del objetivo explica
    }{ $own }
target-left-own-new = { $new ->
        [one] { $new } proceso nuevo propio
       *[other] { $new } procesos nuevos propios
    }

## La API de LXD y de Incus (src/sandbox/lxd.rs)

lxd-cannot-connect = no se puede conectar a { $socket }: { $error }
lxd-not-http = { $method } { $path }: no es una respuesta HTTP
lxd-not-json = { $method } { $path }: HTTP { $status }, no es JSON: { $error }
lxd-no-reason = sin motivo indicado
lxd-not-running = la instancia { $name } de { $daemon } no está en ejecución (su estado es { $state })
lxd-state-unknown = desconocido
lxd-write-record = escribir { $file }: { $error }
# Lo que dicen `limitlab clean` y el inicio de cada ejecución de un límite que dejó puesto una ejecución matada
lxd-pending = { $key } de la instancia { $instance } de { $daemon } a { $previous } (una ejecución anterior lo puso en { $set } y la mataron antes de que pudiera restablecerlo)
lxd-unset = sin fijar
lxd-pending-restored = se restableció { $what }
lxd-pending-not-restored = no se pudo restablecer { $what }: { $error }
# Quién devolvió un límite a su valor: restored.json y summary.json lo guardan en inglés, el
# informe lo dice en su idioma ("QUIÉN lo devolvió a su valor después")
lxd-restored-by-run = la ejecución
lxd-restored-by-supervisor = el supervisor (el arnés fue matado)
lxd-restored-by-later-run = una ejecución posterior (pid del arnés { $pid })

# cgroup v2's rules, when they stop a run (src/sandbox/cgroup/v2.rs)

cgroup-swap-unaccounted = el escenario fija limits.swap pero este kernel no contabiliza el swap en cgroup v2 (falta memory.swap.max: swapaccount=0 o CONFIG_MEMCG_SWAP desactivado), y esta máquina tiene swap en uso
cgroup-controller-unavailable = el controlador { $controller } no está disponible en { $parent } (su cgroup.controllers: { $available }), pero { $why }; el padre debe delegarlo
cgroup-why-pids = limitlab no puede ponerle tope a una bomba fork sin él
# $key: limits.memory, limits.cpu, limits.cpuset
cgroup-why-limit = el escenario fija { $key }
# $who: cgroup-others-share o cgroup-holds-processes
cgroup-internal-processes = no se puede habilitar el controlador { $controller } debajo de { $parent }: { $who }, y cgroup v2 prohíbe controladores para los hijos de un cgroup que no es la raíz y tiene procesos ("no internal processes", sin procesos internos); limitlab se mueve a una hoja solo cuando está solo en su cgroup, así que ejecútalo desde un cgroup propio, p. ej. `systemd-run --scope -p Delegate=yes limitlab run ...`
cgroup-others-share = { $others ->
        [one] { $others } proceso más lo comparte con limitlab
       *[other] otros { $others } procesos lo comparten con limitlab
    }
cgroup-holds-processes = tiene procesos
cgroup-no-cgroup2-tree = no hay un árbol cgroup2
# La hoja del arnés (limitlab.<pid>.harness), cuando se deshace después de las ejecuciones
cgroup-leaf-not-removed = no se puede eliminar { $dir }: { $error }
