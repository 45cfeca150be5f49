# The catalogues `limitlab list` shows (what each metric measures, each workload kind and option, each escape attempt) and the escape workload's lines in workload.log.

# metrics

## Lo que mide cada métrica (src/data/metrics.rs guarda el inglés como dato, para docs/scenario.md):
## lo muestran `limitlab list` y la tabla del peor nodo del informe de la flota. El id es el
## nombre de la métrica con '.' y '_' como '-'.

metric-help-run-duration-ms = cuánto duró la fase de la carga (la duración del escenario, o menos si todas las cargas terminaron)
metric-help-sandbox-start-ms = desde el inicio de la preparación del sandbox (cgroups, límites, espacios de nombres) hasta que la primera carga estaba en ejecución
metric-help-pids-limit = el pids.max que se escribió para el sandbox (el límite del escenario o el techo de seguridad)
metric-help-pids-peak = la mayor cantidad de procesos e hilos a la vez en el sandbox (el pids.peak del kernel; donde no lo hay, el máximo muestreado de pids.current, que por un instante puede marcar unos pocos más que pids.max)
metric-help-pids-limit-hits = forks que rechazó el límite de pids (el contador max de pids.events)
metric-help-pids-time-to-limit-ms = desde el inicio de la carga hasta que el límite de pids rechazó un fork por primera vez (con la resolución del muestreo)
metric-help-target-pids-peak = con un objetivo: la mayor cantidad de tareas a la vez en el cgroup del objetivo (las del propio contenedor y las de la carga); la marca pids.peak del kernel desde que se creó el cgroup del objetivo, donde la hay
metric-help-target-pids-limit = con un objetivo: el pids.max bajo el que está el objetivo, leído del kernel
metric-help-target-pids-limit-hits = con un objetivo: los forks que su límite de pids rechazó durante la ejecución
metric-help-target-memory-peak-bytes = con un objetivo: la memoria más alta del cgroup del objetivo, muestreada
metric-help-target-oom-kills = con un objetivo: las muertes por OOM en el cgroup de memoria del objetivo durante la ejecución
metric-help-target-alive = con un objetivo: 1 si el proceso propio del objetivo seguía vivo después del desmontaje, si no 0; todo escenario con un objetivo de proceso (pid, lxc, docker, podman, lxd, incus) espera == 1, salvo que diga otra cosa
metric-help-memory-peak-bytes = la mayor carga de memoria del sandbox (memory.peak / max_usage_in_bytes; si no, muestreada)
metric-help-memory-limit-hits = veces que se alcanzó el límite de memoria (en v1, memory.failcnt más memory.memsw.failcnt; en v2, el contador max de memory.events); desconocido donde v1 no contó nada aunque el OOM killer actuó
metric-help-memory-oom-kills = procesos que el OOM killer mató en el sandbox
metric-help-cpu-usage-cores = CPU promedio que usó el sandbox mientras corría la carga, en núcleos
metric-help-cpu-throttled-ratio = fracción de los periodos CFS en los que la cuota de cpu frenó al sandbox (throttling)
metric-help-cpu-throttled-ms = tiempo total que el sandbox pasó frenado por su cuota (throttled)
metric-help-psi-cpu-some-total-ms = tiempo en que alguna tarea del sandbox estuvo detenida esperando CPU (PSI; de todo el sistema donde el sandbox no tiene un nodo cgroup2)
metric-help-psi-cpu-full-total-ms = tiempo en que todas las tareas no ociosas del sandbox estuvieron detenidas a la vez por la CPU (PSI)
metric-help-psi-memory-some-total-ms = tiempo en que alguna tarea estuvo detenida por la memoria (PSI)
metric-help-psi-memory-full-total-ms = tiempo en que todas las tareas no ociosas estuvieron detenidas a la vez por la memoria (PSI)
metric-help-psi-io-some-total-ms = tiempo en que alguna tarea estuvo detenida por IO (PSI)
metric-help-psi-io-full-total-ms = tiempo en que todas las tareas no ociosas estuvieron detenidas a la vez por IO (PSI)
metric-help-workload-forks-ok = forks que hicieron las bombas incorporadas
metric-help-workload-forks-failed = forks que intentaron las bombas incorporadas y que el kernel rechazó (EAGAIN)
metric-help-workload-bytes-reached = la mayor cantidad de memoria que retuvieron las cargas memhog (hasta dónde llegaron antes de que un límite o el OOM killer las detuviera)
metric-help-workload-escape-attempts = intentos de escape que hizo la carga hostil (kind = "escape")
metric-help-workload-escapes = intentos de escape que lo lograron (debe ser 0)
metric-help-workload-spins = unidades de trabajo que completaron las cargas cpuspin
metric-help-workload-spins-per-s = unidades de trabajo por segundo que completaron las cargas cpuspin mientras corría la carga
metric-help-host-fork-p50-ms = tiempo mediano que tarda la máquina (fuera del sandbox) en crear, ejecutar y recoger un hijo diminuto, con una sonda cada 100 ms
metric-help-host-fork-p99-ms = percentil 99 del tiempo de creación + salida + recogida de la sonda de la máquina
metric-help-host-fork-max-ms = el peor tiempo de creación + salida + recogida de la sonda de la máquina
metric-help-host-fork-failures = forks de la sonda de la máquina que el kernel rechazó (una bomba se llevó los pids de la máquina)
metric-help-host-wakeup-late-p50-ms = retraso mediano de los despertares por temporizador del hilo de la sonda de la máquina
metric-help-host-wakeup-late-p99-ms = percentil 99 del retraso de los despertares por temporizador del hilo de la sonda de la máquina
metric-help-host-wakeup-late-max-ms = el peor retraso de los despertares por temporizador del hilo de la sonda de la máquina
metric-help-host-psi-cpu-some-total-ms = tiempo en que alguna tarea de toda la máquina estuvo detenida por la CPU (/proc/pressure)
metric-help-host-psi-cpu-full-total-ms = tiempo en que todas las tareas no ociosas de toda la máquina estuvieron detenidas a la vez por la CPU
metric-help-host-psi-memory-some-total-ms = tiempo en que alguna tarea de toda la máquina estuvo detenida por la memoria
metric-help-host-psi-memory-full-total-ms = tiempo en que todas las tareas no ociosas de toda la máquina estuvieron detenidas a la vez por la memoria
metric-help-host-psi-io-some-total-ms = tiempo en que alguna tarea de toda la máquina estuvo detenida por IO
metric-help-host-psi-io-full-total-ms = tiempo en que todas las tareas no ociosas de toda la máquina estuvieron detenidas a la vez por IO
metric-help-workload-exit-code = código de salida de la primera carga, cuando terminó por sí misma antes del desmontaje
metric-help-sampling-samples = muestras tomadas
metric-help-sampling-missed = intervalos de muestreo omitidos porque el muestreador se atrasó
metric-help-sampling-late-p50-ms = retraso mediano de una muestra respecto a su horario
metric-help-sampling-late-p99-ms = percentil 99 del retraso de una muestra respecto a su horario
metric-help-sampling-late-max-ms = el peor retraso de una muestra respecto a su horario
metric-help-teardown-killed = tareas que había en el sandbox cuando el desmontaje lo mató
metric-help-teardown-ms = desde el inicio del desmontaje hasta que no quedó ningún proceso y se eliminó cada cgroup
metric-help-teardown-leaked = procesos aún vivos más cgroups no eliminados después del desmontaje, más, con un objetivo, lo que la ejecución dejó en él (un zombi, tareas cargadas a su cgroup, un límite del runtime que no se restableció; debe ser 0)

## La columna de unidades de `limitlab list` (Unit de src/data/metrics.rs; docs/scenario.md conserva Unit::name)

metric-unit-count = cantidad
metric-unit-bytes = bytes
metric-unit-ms = ms
metric-unit-cores = núcleos
metric-unit-ratio = razón 0..1
metric-unit-code = código de salida
metric-unit-per-second = por segundo

# workloads

## Cada tipo de carga, cada opción (por su nombre: los tipos comparten start_after y style) y
## los valores por defecto que son palabras, no valores (src/workloads/catalogue.rs y el archivo de cada tipo)

kind-help-forkbomb = una bomba fork incorporada que cuenta los forks que hizo y los que el kernel rechazó
kind-help-threadbomb = una bomba de hilos incorporada (pids.max cuenta los hilos); pilas de 64 KiB para que no sea la memoria lo que la detenga
kind-help-memhog = reserva memoria y toca cada página, e informa hasta dónde llegó (workload.bytes_reached)
kind-help-cpuspin = hilos que giran y cuentan su trabajo (workload.spins), para que el frenado por la cuota (throttling) se vea en las propias cifras de la carga
kind-help-escape = una carga hostil: intenta salir de sus cgroups o aflojarlos y ver o tocar la máquina, e informa cada intento (workload.escapes, workload.escape_attempts, código de salida = escapes)
kind-help-command = cualquier programa, ejecutado sin privilegios dentro del sandbox (los binarios de la máquina son visibles)

kind-option-style = classic: cada tarea crea tareas para siempre y se queda; binary: cada tarea crea dos y termina (como :(){ "{" } :|:& { "}" };:); churn: crea una que termina enseguida, la espera y repite
kind-option-size = el total que debe alcanzar, p. ej. "1GiB"
kind-option-rate = qué tan rápido, p. ej. "256MiB/s"
kind-option-chunk = el paso de cada reserva, p. ej. "4MiB"
kind-option-backing = anon: memoria anónima; shm: un archivo en el tmpfs privado del sandbox, mapeado como compartido (la caché de páginas se carga al cgroup)
kind-option-hold = conserva lo que tiene hasta el final (false: lo libera y termina)
kind-option-threads = cuántos hilos giran
kind-option-duty = fracción ocupada de cada franja de 100 ms, 0 < duty <= 1
kind-option-tries = qué intentos, p. ej. ["cgroup-move", "network"]; `limitlab list` los nombra todos
kind-option-argv = el programa y sus argumentos, p. ej. ["perl", "-e", "fork while fork"]; se busca en PATH
kind-option-start-after = la espera antes de que arranque esta carga, p. ej. "2s"; debe ser menor que la duración

kind-default-rate = tan rápido como lo permita el kernel
kind-default-threads = uno por CPU del cpuset del sandbox
kind-default-tries = todos

## La página de contadores de una carga incorporada, cuando `limitlab __workload` arranca sin ella (src/workloads/counters.rs)

workload-no-counter-page = no hay una página de contadores en el fd { $fd }
workload-not-counter-page = el descriptor no es una página de contadores de limitlab

# escape

## Lo que prueba cada intento de escape (ATTEMPTS de src/workloads/escape/mod.rs), en `limitlab list` y
## en la línea de cada intento

escape-attempt-cgroup-move = escribir su propio pid en cada cgroup.procs que puede ver (incluidos los ancestros)
escape-attempt-cgroup-limit = escribir "max" en cada archivo de límite de pids, memoria y cpu que puede ver
escape-attempt-cgroupfs-remount = volver a montar cgroupfs con escritura, o montar un cgroup2 nuevo
escape-attempt-cgroup-namespace = crear (unshare) un espacio de nombres cgroup nuevo, con y sin un espacio de nombres de usuario
escape-attempt-kill-host = enviar una señal a cualquier proceso fuera del sandbox (cada pid hasta pid_max)
escape-attempt-host-proc = ver procesos de la máquina en /proc
escape-attempt-network = alcanzar cualquier dirección fuera de lo (pública, privada y de enlace local)
escape-attempt-mount-root = montar algo sobre /
escape-attempt-ptrace = hacer ptrace al init del sandbox y a pids fuera del sandbox
escape-attempt-rlimit-raise = subir su propio RLIMIT_NOFILE duro
escape-attempt-setuid = volverse root: setuid(0), y ejecutar un binario setuid-root
escape-attempt-write-host = crear un archivo fuera de los montajes privados (/, /etc, /usr, /var, /home y todos los demás montajes)
escape-attempt-block-device = abrir un dispositivo de bloques de la máquina (cada disco y partición que lista el kernel)
escape-attempt-proc-kcore = leer /proc/kcore y las demás rutas de /proc y /sys que runc enmascara
escape-attempt-host-interfaces = listar interfaces de red además de lo mediante /sys/class/net, /proc/net/dev y netlink
escape-attempt-mknod = crear un nodo de dispositivo (con los números de un disco y de /dev/null) en cada montaje con escritura
escape-attempt-mount = montar un tmpfs, un procfs y un bind de / en /tmp
escape-attempt-remount-root = volver a montar / con escritura (mount y mount_setattr), y luego escribir ahí
escape-attempt-proc-sys-write = escribir en /proc/sys (cada valor se vuelve a escribir sin cambios)
escape-attempt-abstract-unix = conectarse a los sockets unix abstractos de la máquina (nombres conocidos y la sonda de las pruebas)

## La línea de cada intento (src/workloads/escape/mod.rs)

escape-line-blocked = intento { $name } ({ $what }): bloqueado: { $how }
escape-line-escaped = intento { $name } ({ $what }): ESCAPÓ: { $how }
escape-unknown-attempt = intento desconocido { $name }
escape-files-refused = { $n ->
        [one] { $n } archivo lo rechazó
       *[other] { $n } archivos lo rechazaron
    }: { $errors }

## cgroup-move, cgroup-limit, cgroupfs-remount, cgroup-namespace (src/workloads/escape/cgroup.rs)

escape-wrote-into = escribió { $value } en { $path }
escape-no-file-visible = no se ve ningún archivo así
escape-cgroups-changed = sus cgroups cambiaron de { $before } a { $after }
escape-remounted-cgroupfs = volvió a montar /sys/fs/cgroup con escritura
escape-mounted-cgroup2 = montó un cgroup2 nuevo en { $path }
escape-cgroupfs-blocked = remount: { $remount }; montaje de un cgroup2 nuevo: { $fresh }
escape-unshared-cgroupns = creó un espacio de nombres cgroup nuevo (unshare)
escape-unshared-user-cgroupns = creó un espacio de nombres de usuario y uno cgroup nuevos (unshare)
escape-cgroupns-blocked = espacio de nombres cgroup: { $plain }; espacio de nombres de usuario + cgroup: { $user }

## kill-host, host-proc, ptrace, rlimit-raise, setuid (src/workloads/escape/process.rs)

escape-pid-signalled = el pid { $pid }, fuera del sandbox, puede recibir señales
escape-pid-exists = el pid { $pid }, fuera del sandbox, existe ({ $error })
escape-no-pid-exists = { $n ->
        [one] el único pid ({ $n }) fuera del sandbox no existe
       *[other] ninguno de los { $n } pids fuera del sandbox existe
    } en su espacio de nombres pid (ESRCH)
escape-proc-shows-host = /proc/1 es { $init }, no el init del sandbox: /proc muestra la máquina
escape-proc-own = /proc muestra { $n ->
        [one] { $n } proceso
       *[other] { $n } procesos
    }, y el pid 1 es el init del sandbox
escape-ptrace-init = hizo ptrace al init del sandbox
escape-ptrace-outside = hizo ptrace al pid { $pid }, fuera del sandbox
escape-ptrace-blocked = init: rechazado; pid { $pid }, fuera del sandbox: { $error }
escape-getrlimit-failed = getrlimit falló
escape-rlimit-raised = subió el RLIMIT_NOFILE duro por encima de { $hard }
escape-rlimit-blocked = RLIMIT_NOFILE duro { $hard } -> { $raised }: { $error }
escape-setuid-ok = setuid(0) funcionó
escape-setuid-no-program = setuid(0): EPERM; no hay ningún programa setuid-root para probar
escape-setuid-root = { $program } corrió con uid efectivo 0
escape-setuid-blocked = setuid(0): EPERM; { $program } corrió con uid efectivo { $uid } (no_new_privs ignora el bit setuid)
escape-setuid-ended = setuid(0): EPERM; { $program } terminó antes de que se pudiera leer su uid

## mount-root, write-host, block-device, proc-kcore, mknod, mount, remount-root, proc-sys-write (src/workloads/escape/filesystem.rs)

escape-mounted-over-root = montó un tmpfs sobre /
escape-mount-root-blocked = montaje sobre /: { $error }
escape-created-on-host = creó { $path } en la máquina
escape-dirs-refused = { $n ->
        [one] { $n } directorio lo rechazó
       *[other] { $n } directorios lo rechazaron
    }: { $errors }
escape-opened-block = abrió el dispositivo de bloques { $path }
escape-no-block-device = no hay ningún dispositivo de bloques listado ni presente
escape-block-refused = { $n ->
        [one] { $n } ruta de dispositivo de bloques lo rechazó
       *[other] { $n } rutas de dispositivos de bloques lo rechazaron
    }: { $errors }
escape-empty = vacío
escape-lists-entries = { $path } lista { $n ->
        [one] { $n } entrada
       *[other] { $n } entradas
    }
escape-read-bytes = leyó { $n ->
        [one] { $n } byte
       *[other] { $n } bytes
    } de { $path }
escape-created-node = creó el nodo de dispositivo { $path } ({ $major }:{ $minor })
escape-nodes-refused = { $n ->
        [one] { $n } nodo lo rechazó
       *[other] { $n } nodos lo rechazaron
    }: { $errors }
escape-bind-of-root = bind de /
escape-mounted-at = montó un { $what } en { $path }
escape-wrote-after-remount = escribió { $path } después de volver a montar
escape-remounted-root = volvió a montar / con escritura
escape-cleared-readonly = quitó la marca de solo lectura de / (mount_setattr)
escape-remount-root-blocked = remount: { $remount }; mount_setattr: { $setattr }; escritura en /: { $write }
escape-wrote-proc-sys = escribió { $path } (su propio valor de vuelta)
escape-no-proc-sys = no se puede leer ningún archivo de /proc/sys

## network, host-interfaces, abstract-unix (src/workloads/escape/network.rs)

escape-tcp = conexión TCP a { $address }
escape-udp = datagrama UDP enviado hacia { $address }
escape-interfaces = interfaces de red además de lo: { $interfaces }
escape-only-lo = solo existe lo; { $errors }
escape-netlink-error = netlink respondió con un error
escape-route-lists = { $route } lista { $names }
escape-unix-socket = socket unix: { $error }
escape-abstract-address = dirección abstracta: { $error }
escape-connected-abstract = se conectó al socket abstracto @{ $name }
escape-abstract-refused = { $n ->
        [one] { $n } nombre abstracto lo rechazó
       *[other] { $n } nombres abstractos lo rechazaron
    }: { $errors }
