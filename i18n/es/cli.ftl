## Palabras que se usan en varios sitios

word-on = activado
word-off = desactivado

## limitlab doctor (src/host.rs, src/cli/mod.rs); los nombres de las comprobaciones (root,
## cgroup mode, …) y las palabras de estado no se traducen

doctor-root = se ejecuta como root: se pueden crear cgroups y espacios de nombres
doctor-not-root = no es root (uid { $uid }): las ejecuciones van sin root, con un espacio de nombres de usuario y cgroups bajo uno que se te ha delegado; las comprobaciones de abajo dicen si eso funciona aquí
doctor-sandboxes-under = los sandboxes van bajo { $dir }
doctor-available-below = disponible bajo { $dir }
doctor-not-delegated = no delegado a { $dir }: { $meaning }
doctor-alone-in-scope = una ejecución está sola en su scope: se mueve ahí a una hoja ({ $prefix }<pid>.harness) y da a los sandboxes los controladores a su lado
doctor-internal-processes = { $dir } tiene { $others ->
        [one] { $others } proceso más
       *[other] { $others } procesos más
    }: cgroup v2 da controladores a los sandboxes solo bajo un cgroup sin procesos, así que las ejecuciones salen con 3; ejecuta limitlab desde un cgroup propio (p. ej. `systemd-run --scope -p Delegate=yes limitlab run ...`)
doctor-alone-in = limitlab está solo en { $dir }: una ejecución lo mueve a una hoja ({ $prefix }<pid>.harness), activa los controladores en el subtree_control de este cgroup para los sandboxes, y deshace ambas cosas al terminar
doctor-psi-ok = /proc/pressure se puede leer (presión de todo el sistema)
doctor-psi-missing = no hay /proc/pressure: faltarán las cifras de presión (arranca con psi=1, CONFIG_PSI)
doctor-namespaces-ok = se admiten los espacios de nombres pid, mount, net, uts, ipc y cgroup
doctor-namespaces-missing = a este kernel le faltan: { $missing }
doctor-clone3-ok = Linux { $kernel }: CLONE_INTO_CGROUP coloca el init del sandbox de forma atómica en cgroup2
doctor-clone3-missing = Linux { $kernel }: sin CLONE_INTO_CGROUP; el init espera en una tubería hasta que se le mueve
doctor-pid-max = { $pid_max }: una bomba limitada por el techo de seguridad ({ $ceiling }) usa como mucho el { $share } % de todos los pids
doctor-autogroup-on = activado; el sandbox tiene su propia sesión y su cgroup de cpu, así que el muestreador conserva su parte
doctor-autogroup-off = desactivado; el sandbox igual tiene su propio cgroup de cpu
doctor-autogroup-none = no configurado en este kernel
doctor-source-own = su propio cgroup
doctor-source-system = un scope del sistema
doctor-source-user = un scope de usuario
doctor-missing-pids = las ejecuciones no pueden limitar procesos, así que limitlab se niega a ejecutar ninguna
doctor-missing-memory = no hay límites ni cifras de memoria
doctor-missing-cpu = no hay cuotas de CPU y el sandbox no puede tener su propia parte de CPU
doctor-missing-cpuacct = no hay cifras de uso de CPU
doctor-missing-cpuset = limits.cpuset no está disponible
doctor-missing-freezer = el desmontaje en v1 puro recurre a un bucle de kill
doctor-missing-other = faltan algunas cifras
doctor-no-cgroup2 = no hay árbol cgroup2: el desmontaje congela con el freezer de v1, mata cada proceso y descongela
doctor-cannot-create = no se puede crear { $dir }: { $error }
doctor-cannot-remove = no se pudo eliminar { $dir }: { $error }
doctor-kill-ok = el desmontaje mata un sandbox entero con una sola escritura
doctor-kill-missing = falta (Linux < 5.14): el desmontaje congela, mata cada proceso y descongela
doctor-psi-cgroup-ok = se mide la presión de cpu/memoria/io propia de cada sandbox
doctor-psi-cgroup-missing = no hay presión por cgroup: se usa /proc/pressure de todo el sistema
doctor-cannot-run = limitlab no puede ejecutar escenarios aquí hasta que se arreglen las líneas MISSING.
doctor-can-run = limitlab puede ejecutar escenarios aquí.

## limitlab run, validate y clean (src/cli/, src/progress.rs)

run-safety-ceiling = { $name }: el escenario no fija un límite de pids; se aplica el techo de seguridad de limitlab pids.max = { $max }
run-sweep-done = { $name }: barrido de { $cells } { $cells ->
        [one] celda
       *[other] celdas
    }: informe en { $report }
progress-target-pids = pids del objetivo { $pids }
progress-memory = memoria { $memory }
progress-forks-refused = forks rechazados { $count }
validate-ok = { $source }: { $name } durante { $duration }, { $workloads ->
        [one] { $workloads } carga
       *[other] { $workloads } cargas
    }, { $expectations ->
        [one] { $expectations } expectativa
       *[other] { $expectations } expectativas
    }{ $cells }
validate-sweep = , un barrido de { $cells } { $cells ->
        [one] celda
       *[other] celdas
    }
clean-removed = se eliminó { $name } (dejado por el arnés con pid { $owner }): { $killed ->
        [one] { $killed } proceso matado
       *[other] { $killed } procesos matados
    }, { $dirs ->
        [one] { $dirs } carpeta de cgroup
       *[other] { $dirs } carpetas de cgroup
    }
clean-could-not-remove = ; no se pudo eliminar { $dir }: { $error }
clean-nothing = nada que limpiar: no quedan cgroups de limitlab bajo los cgroups de este proceso

## limitlab report y compare (src/cli/report.rs)

report-sweep-written = { $dir }: el informe del barrido y { $cells ->
        [one] el informe de su única celda
       *[other] los informes de sus { $cells } celdas
    }
report-run-written = { $dir }: report.md, report.html y gráficas
compare-not-in-baseline = { $label }: no está en la referencia, no se compara
