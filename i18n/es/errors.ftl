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

## Archivos de escenario: lectura y análisis (src/scenario.rs), unidades (src/units.rs)

scenario-cannot-read = no se puede leer: { $error }
scenario-is-directory = es una carpeta, se esperaba un archivo de escenario .toml
scenario-not-regular = no es un archivo normal, se esperaba un archivo de escenario .toml
scenario-too-big = tiene { $size } bytes; los archivos de escenario tienen un máximo de { $max } bytes
scenario-more-than = tiene más de { $max } bytes; los archivos de escenario tienen un máximo de { $max } bytes
scenario-not-utf8 = no es texto UTF-8 (un escenario es un archivo TOML)
scenario-did-you-mean = { " " }(¿quisiste decir `{ $candidate }`?)
scenario-unknown-field = campo desconocido `{ $name }`{ $hint }, se esperaba uno de { $expected }
units-expected = se esperaba { $help }, llegó { $got }
units-size-no-unit = { $text } no tiene unidad; se esperaba { $help } (un entero TOML sin más son bytes)
units-unknown-size-unit = unidad de tamaño desconocida { $unit } en { $text }; se esperaba { $help }
units-too-large = { $text } es demasiado grande
units-duration-no-unit = { $text } no tiene unidad; se esperaba { $help }
units-unknown-duration-unit = unidad de duración desconocida { $unit } en { $text }; se esperaba { $help }
units-too-long = { $text } es demasiado largo
units-rate-zero = { $text } es cero; una tasa debe ser positiva

## Carpetas de resultados (src/cli/report.rs)

err-not-results-folder = { $dir } no es una carpeta de resultados
err-neither-run-nor-sweep = { $dir } no tiene ni summary.json (una ejecución) ni sweep.json (un barrido)
sweep-not-an-index = { $path } no es un índice de barrido de limitlab: { $error }
sweep-format = { $path } tiene resultados en el formato { $format } (escritos por limitlab { $writer }); este limitlab { $version } solo lee el formato { $reads }
err-tolerance = --tolerance { $tolerance } está fuera de rango; usa de 0 a 10000 (por ciento)

## Barridos y expectativas (src/matrix.rs, src/expect.rs)

matrix-cells = da { $cells } celdas; un barrido tiene de 1 a { $max }
matrix-in-cell = en la celda del barrido { $label }: { $message }
expect-not-comparison = { $text } no es { $help }
expect-missing-number = falta un número; se esperaba { $help }
expect-not-number = { $text } no es un número

## Lo que la máquina no puede hacer (src/sandbox/cgroup/)

cgroup-cannot-write = no se puede escribir { $value } en { $path }: { $error }{ $hint }
cgroup-cannot-read = no se puede leer { $path }: { $error }
results-cannot-read = no se puede leer { $path }: { $error }
cgroup-cannot-create = no se puede crear el cgroup { $path }: { $error }{ $hint }
cgroup-hint-permission = { " " }(limitlab necesita root, o un subárbol de cgroups delegado a este usuario)
cgroup-hint-read-only = { " " }(el sistema de archivos de cgroups está montado de solo lectura aquí)
cgroup-hint-busy = { " " }(el cgroup tiene procesos o hijos)
cgroup-no-cgroup2-entry = cgroup2 está montado pero este proceso no tiene una entrada cgroup2 en /proc/self/cgroup
cgroup-no-pids-controller = el controlador pids no está montado: limitlab no puede poner tope a una bomba fork sin él (monta la jerarquía pids, o arranca con cgroup v2)
cgroup-v1-missing = el controlador { $controller } no está montado en esta jerarquía de cgroup v1, pero { $why }
cgroup-no-swap-accounting = el escenario fija limits.swap pero este kernel no contabiliza el swap (falta memory.memsw.*; arranca con swapaccount=1)
cgroup-cpuset = limits.cpuset pide la CPU { $cpu }, pero este cgroup solo puede usar las CPU { $available }

## [target] (src/plan.rs)

plan-target-needs-one = necesita uno de { $kinds }
plan-target-exactly-one = lleva exactamente uno de { $kinds } (y, con lxd o incus, limits_processes)
plan-limits-processes-lxd-only = solo se aplica a objetivos lxd e incus (mediante su API), no para { $target }; fija el límite propio del contenedor con su runtime (p. ej. --pids-limit)
target-process = el proceso { $pid }
target-container = el contenedor { $runtime } { $name }
target-own-cgroups = los propios cgroups de limitlab
err-samples-unreadable = la ejecución terminó, pero sus muestras no se pudieron volver a leer de { $path }: { $error }
