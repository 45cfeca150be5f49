## Mensajes de error (se imprimen tras "limitlab: ")

err-invalid-scenario = escenario no válido
err-shared-name = dos escenarios tienen el mismo nombre; con --out cada uno necesita el suyo (pon name = "...")
err-target-needs-root = { $source }: atacar un contenedor existente entra en sus espacios de nombres y sus cgroups, lo que requiere root; ejecútalo con sudo
err-signal-handlers = instalar los manejadores de señales: { $error }
err-supervisor = iniciar el supervisor: { $error }
err-write = escribir { $path }: { $error }
err-cell = { $source }: celda { $cell }: { $error }
err-write-sweep-report = escribir el informe del barrido en { $dir }: { $error }
err-summary-unwritten = la ejecución terminó y el desmontaje no dejó nada atrás, pero su resumen no se pudo escribir en { $path }: { $error }
err-write-report = escribir el informe en { $dir }: { $error }
err-print-summary = imprimir el resumen: { $error }
err-systemd-unreachable = systemd es dueño del árbol de cgroups pero no se le pudo pedir un cgroup ({ $error }); se trabaja bajo el propio cgroup de este proceso, como en una máquina sin systemd
err-undo-own-cgroup = no se pudieron deshacer los cambios en su propio cgroup: { $left }
err-results-folder = no se puede crear la carpeta de resultados { $dir }: { $error }
err-no-free-folder = no queda ningún nombre libre para la carpeta de resultados
err-out-not-folder = --out { $dir } existe y no es una carpeta
err-out-holds-results = --out { $dir } ya tiene los resultados de una ejecución ({ $file }); elige otra carpeta, no se sobrescribió nada
err-out-create = no se puede crear --out { $dir }: { $error }
err-out-write = no se puede escribir en --out { $dir }: { $error }

## Archivos de escenario: qué puede ser un valor (src/plan.rs); se imprime como ARCHIVO:LÍNEA:COLUMNA: CLAVE: MENSAJE

plan-bad-name = { $name } no sirve como nombre de una carpeta de resultados; usa de 1 a 64 letras, dígitos, '.', '_' o '-', sin empezar por '.' (pon name = "..." si el nombre del archivo es raro)
plan-duration-required = duration es obligatorio: cuánto tiempo corre la carga, p. ej. duration = "5s"
plan-duration-zero = debe ser mayor que 0
plan-duration-max = debe ser como mucho 24h
plan-unknown-namespace = espacio de nombres desconocido { $namespace }; se admiten: "pid", "mount", "net", "uts", "ipc", "cgroup"
plan-namespace-twice = el espacio de nombres { $namespace } aparece dos veces
plan-bad-hostname = { $hostname } no es un nombre de máquina; usa de 1 a 64 letras, dígitos, '-' y '.'
plan-hostname-needs-uts = necesita el espacio de nombres "uts" (ponerlo sin él le cambiaría el nombre a la máquina)
plan-bad-id = { $value } no es un id válido; usa 0..4294967294 (65534 es nobody)
plan-rlimit-small = { $value } es demasiado pequeño; usa un entero de al menos { $min }
plan-bad-path = { $path } no se admite; usa una ruta absoluta sin "..", distinta de /
plan-bad-device = { $path } no es la ruta de un dispositivo; usa un nodo bajo /dev, como "/dev/fuse"
plan-view-needs-mount = writable, bind y devices de [sandbox] necesitan el espacio de nombres "mount" (sin él el sandbox ve los sistemas de archivos de la máquina tal como son)
plan-bad-pids = { $value } no se admite; usa un entero positivo o "max" (sin límite del escenario)
plan-swap-needs-memory = necesita también limits.memory (en cgroup v1 el límite de swap es memoria + swap)
plan-bad-cpu = { $value } no se admite; usa un número de núcleos de 0.01 a 4096, p. ej. cpu = 0.5
plan-bad-cpuset = { $value } no es una lista de CPU; usa p. ej. "0", "0-1" o "0,2-3"
plan-too-many-workloads = como mucho { $max } cargas por escenario
plan-workload-required = hace falta al menos una tabla [[workload]], p. ej. [[workload]] kind = "forkbomb"
plan-interval-small = { $value } está por debajo del mínimo de 1ms
plan-interval-long = { $value } es más largo que la duración de la ejecución
plan-unknown-metric = métrica desconocida { $metric }{ $hint }; `limitlab list` muestra todas las métricas
plan-did-you-mean = { " " }(¿quisiste decir { $candidate }?)
plan-view-with-target = writable, bind y devices de [sandbox] no se aplican a un [target] que es un contenedor: la carga ve los sistemas de archivos propios del contenedor (quítalos, o usa un objetivo cgroup)
plan-not-a-size = { $value } no es un tamaño; se esperaba { $help } o un número entero de bytes
plan-size-small = { $size } es demasiado pequeño: { $why }
