# Values a report shows from the host and the sandbox (the view, events), target and unit errors, and counted words.

# units, targets

## Cómo puede ser un tamaño, una duración y una tasa, en los errores de unidades (src/units.rs)

units-size-help = un tamaño como "256MiB", "1GiB", "512KB" o "0B" (unidades: B, KiB, MiB, GiB, TiB, KB, MB, GB, TB, K, M, G, T)
units-duration-help = una duración como "5s", "50ms" o "1.5s" (unidades: ns, us, ms, s, m, h)
units-rate-help = una tasa como "256MiB/s" o "1GiB/s" (un tamaño por segundo)

## --target y [target]: qué puede ser un objetivo (src/plan/target.rs)

target-expected-kind-value = { $text }: se esperaba TIPO:VALOR, p. ej. pid:1234, lxc:NOMBRE, cgroup:/system.slice/x
target-not-a-pid = { $value } no es un pid
target-unknown-kind = tipo de objetivo desconocido { $kind }; debe ser uno de { $kinds }
target-pid-zero = el pid 0 no es un proceso
target-cgroup-relative = { $path } debe ser una ruta absoluta dentro de la jerarquía, p. ej. "/system.slice/x.slice", o "self" (los propios cgroups de limitlab, p. ej. los de un pod de Kubernetes)
target-cgroup-dots = { $path } no puede contener "." ni ".."
target-cgroup-unclean = { $path } no es una ruta de cgroup limpia
target-bad-name = { $name } no es un nombre de contenedor (letras, dígitos, '.', '_', '-')
target-limits-processes-small = { $value } no se admite; usa un número positivo de procesos, p. ej. 1000

# view, events, child processes

## Lo que vio la carga (src/sandbox/view.rs): las palabras que summary.json guarda de su vista,
## como las dice el informe, y lo que dicen de ella `limitlab list`, docs/scenario.md y `doctor`

view-root-host-read-only = la raíz de la máquina, de solo lectura
view-root-target = la raíz propia del objetivo
view-root-host = la raíz de la máquina tal como es (sin espacio de nombres mount)
view-dev-minimal = mínimo, como el --dev de bubblewrap (devpts y shm privados)
view-target-own = el propio del objetivo
view-host = el de la máquina
view-proc-fresh = nuevo, del espacio de nombres pid del sandbox
view-proc-host-read-only = el de la máquina, de solo lectura (sin espacio de nombres pid)
view-proc-nested = nuevo, del propio espacio de nombres pid del ataque (anidado en el del objetivo)
view-proc-target = el del objetivo (su espacio de nombres pid; se rechazó otro montaje de proc)
view-sys-fresh = nuevo, de solo lectura, del espacio de nombres de red del sandbox
view-sys-host-read-only = el de la máquina, de solo lectura (sin espacio de nombres de red)
view-bind-program = el programa de workload[{ $index }]
view-mount-dev = un /dev mínimo
view-mount-proc-sys = un procfs o sysfs propio
view-mount-tmpfs = un tmpfs privado
view-bind-source-missing = { $why }: { $path } no existe en la máquina
view-not-a-device = [sandbox] devices: { $path } no es un nodo de dispositivo en esta máquina
view-program-hidden = workload[{ $index }]: { $program } está bajo { $mount }, que en el sandbox es { $what }: { $why }
view-program-outside = nombra el programa con una ruta fuera de él
view-program-no-file = no existe ese archivo en la máquina para montarlo ahí (da una ruta que exista)
view-describe-default = Por defecto (con el espacio de nombres mount) la vista del sandbox es tan estrecha como la de `bwrap --unshare-all --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp`: la raíz de la máquina y cada montaje bajo ella, de solo lectura; tmpfs privados en { $tmpfs } (los que existen en la máquina), con escritura, cargados al cgroup de memoria del sandbox (una carga que llena un tmpfs choca con el límite de memoria) y que desaparecen con la ejecución.
view-describe-dev = Un /dev mínimo: { $devices } montados desde la máquina, un devpts privado (pts/ptmx, con el enlace ptmx), shm y los enlaces { $links }. Un /proc nuevo del espacio de nombres pid del sandbox, y un sysfs nuevo de solo lectura de su espacio de nombres de red (solo lo), con el cgroupfs montado de nuevo debajo, de solo lectura.
view-describe-masked = Enmascarado (los maskedPaths de runc: /dev/null sobre un archivo, un tmpfs vacío de solo lectura sobre un directorio): { $masked }. De solo lectura (los readonlyPaths de runc): { $read_only }.
view-describe-command = Una carga command cuyo programa está bajo una ruta que la vista oculta (un binario de prueba en una copia del repositorio bajo /tmp) se monta de solo lectura en su propia ruta; una que no se puede montar (porque falta, o porque está bajo /dev, /proc o /sys) se rechaza antes de que arranque nada (salida 2). `[sandbox] writable`, `bind` y `devices` amplían la vista; nada más la amplía. Sin el espacio de nombres mount la carga ve los sistemas de archivos de la máquina tal como son; sin el espacio de nombres de red, /sys sigue siendo el de la máquina (de solo lectura); sin el espacio de nombres pid, /proc también.
view-describe-target = Una ejecución con `[target]` que entra en un contenedor (pid, lxc, docker, podman, lxd, incus) corre en un espacio de nombres pid propio, anidado dentro del del objetivo (el init de limitlab es su PID 1 y recoge todo lo que el ataque arranca, así que nada le queda al init propio del objetivo), y ve la raíz, /dev, /proc y /sys propios del objetivo, como los ven los procesos del objetivo, en una copia de su espacio de nombres mount donde las rutas enmascaradas y de solo lectura de runc se aplican allí donde el objetivo no las cubrió ya, y su cgroupfs (cuando es un montaje propio) es de solo lectura; para el objetivo mismo nada cambia. Un objetivo `cgroup` recibe la vista por defecto. El `view` de summary.json y el informe dicen cuál fue la vista de la ejecución.
view-support = { $missing }raíz de la máquina de solo lectura; tmpfs privados en { $tmpfs } y /dev/shm; /dev: { $nodes } y un devpts privado; un sysfs nuevo por cada espacio de nombres de red; enmascarados aquí: { $masks }; de solo lectura aquí: { $read_only } (las demás rutas de runc no existen en esta máquina)
view-support-missing = falta: { $missing };{ " " }
view-support-no-mount-setattr = mount_setattr (Linux 5.12) para la raíz de solo lectura
view-support-no-fs = { $fs } en /proc/filesystems

## Los detalles de events.csv, en el idioma de la ejecución (src/run/, src/sampler/): un límite
## alcanzado empieza por el nombre de su controlador (pids, memory), como lo leen las gráficas

event-detail-start = carga { $index }: { $what } (pid { $pid } en el sandbox)
event-detail-workload = carga { $index }: { $what }
event-detail-exited = carga { $index }: terminó con código { $code }
event-detail-killed = carga { $index }: la mató { $signal }
event-detail-idle = todos los procesos de las cargas terminaron
event-detail-pids-hit = pids: el límite de pids rechazó un fork{ $at }
event-detail-pids-at = { " " }con { $tasks } tareas
event-detail-memory-hit = memory: el uso llegó al límite de memoria
event-detail-oom = el OOM killer mató { $count ->
        [one] { $count } proceso
       *[other] { $count } procesos
    } en el sandbox ({ $total } hasta ahora)
event-detail-deadline = la ejecución pasó su plazo; el watchdog mata el sandbox
event-detail-abort = se recibió { $signal }; desmontando
event-detail-teardown-start = matando todos los procesos del sandbox
event-detail-teardown-end = { $method } mató { $count ->
        [one] { $count } tarea
       *[other] { $count } tareas
    } en { $ms } ms; quedaron { $left }

## Lo que dicen los propios procesos del sandbox (el init, src/sandbox/init/; las cargas,
## src/workloads/): en el idioma que les pasa el arnés (LIMITLAB_LANG)

child-init-by-hand = limitlab __init lo arranca `limitlab run`; no se arranca a mano
child-init-threads = el init no tiene un solo hilo
child-rlimit-above-hard = { $resource } = { $value } está por encima del límite duro de este usuario ({ $hard }), que solo root puede subir
child-bind-target-missing = { $path } no existe en el sandbox, y su raíz es de solo lectura
child-setns-needs = { $error } (setns sobre un pidfd necesita Linux 5.8)
child-exec-ended = el proceso de la carga terminó antes de poder hacer exec
child-no-counter-page = el init no tiene la página de contadores o el binario para una carga integrada
child-exec-denied = exec limitlab: permiso denegado (el uid del sandbox debe poder ejecutar el binario)
child-command-not-found = { $program }: no se encontró el comando en PATH={ $path }
child-bomb-threads = la bomba de forks debe arrancar con un solo hilo
child-escape-threads = la carga escape debe arrancar con un solo hilo
child-memhog-refused = memhog: se rechazó la asignación después de { $reached }: { $error }
child-memhog-reached = memhog: llegó a { $size } en { $ms } ms
child-memhog-rate = { " " }a { $rate }/s
child-cpuspin = cpuspin { $threads ->
        [one] { $threads } hilo
       *[other] { $threads } hilos
    } con ciclo de trabajo { $duty }
child-cpuspin-per-cpu = cpuspin un hilo por CPU con ciclo de trabajo { $duty }
child-escape-every = escape (todos los intentos)
