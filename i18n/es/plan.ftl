# Scenario validation that the planner says per table, the [sandbox] keys `limitlab list`
# describes, and the comments of the starter scenarios `limitlab init` writes.

# Lo que dice un problema ubicado en lugar de una clave (ARCHIVO:LÍNEA:COLUMNA: CLAVE: MENSAJE)
# cuando no tiene: el archivo entero, su sintaxis TOML, el nivel superior (src/scenario/)

diagnostic-file = (archivo)
diagnostic-syntax = (sintaxis)
diagnostic-top-level = (nivel superior)

# Tablas [[workload]] (src/plan/workload.rs); se imprime como ARCHIVO:LÍNEA:COLUMNA: CLAVE: MENSAJE

plan-kind-required = es obligatorio; debe ser uno de { $kinds }
plan-kind-unknown = tipo de carga desconocido { $kind }; debe ser uno de { $kinds }
plan-option-of-other-kind = no es una opción del tipo { $kind } (sus opciones: { $options })
plan-start-after-late = { $value } no es anterior al final de la duración de la ejecución
plan-style-unknown = estilo desconocido { $style }; debe ser "classic", "binary" o "churn"
plan-workload-not-a-size = { $value } no es un tamaño; se esperaba { $help }
plan-memhog-size-required = es obligatorio para el tipo "memhog": cuánta memoria reservar, p. ej. size = "1GiB"
plan-hog-size-small = { $size } es demasiado pequeño; como mínimo 4KiB
plan-hog-size-large = { $size } es demasiado grande; como mucho 1TiB
plan-hog-chunk-range = { $size } está fuera de rango; usa de 4KiB a 1GiB
plan-backing-unknown = backing desconocido { $backing }; debe ser "anon" o "shm"
plan-threads-range = { $value } está fuera de rango; usa de 1 a 4096
plan-duty-range = { $value } está fuera de rango; usa un número con 0 < duty <= 1, p. ej. 0.5
plan-attempt-unknown = intento desconocido { $attempt }; debe ser uno de { $attempts }
plan-argv-required = es obligatorio para el tipo "command": el programa y sus argumentos, p. ej. argv = ["perl", "-e", "fork while fork"]
plan-argv-no-program = su primer elemento debe nombrar un programa
plan-argv-nul = los argumentos no pueden contener bytes NUL

# Tamaños de [limits] y [sandbox]: por qué un tamaño es demasiado pequeño (el $why de plan-size-small)

plan-memory-why = por debajo de 1MiB ni siquiera puede arrancar el init propio del sandbox
plan-rlimit-as-why = por debajo de 16MiB la carga ni siquiera puede arrancar

# Comparaciones de [expect] (src/plan/expect.rs)

expect-comparison-help = una comparación como "<= 101", ">= 1", "== 0", "!= 0", "< 50", "> 0.5" o un rango inclusivo "0.45..0.55"
expect-range-empty = el rango { $range } está vacío: su extremo inferior está por encima del superior

# Barridos [matrix] (src/plan/matrix.rs)

matrix-not-a-key = { $text } no es una clave de escenario con puntos como "limits.pids" o "workload[0].style"
matrix-unclosed = { $text }: falta cerrar el [
matrix-not-an-index = { $text }: { $index } no es un índice
matrix-unexpected = { $text }: no se esperaba { $rest }
matrix-cannot-vary = { $text } no puede variar en un barrido (todas las celdas comparten el nombre del escenario)
matrix-no-element = no hay ningún elemento [{ $index }] (el arreglo tiene { $len ->
        [one] { $len } elemento
       *[other] { $len } elementos
    })
matrix-not-in-table = { $key } no está dentro de una tabla
matrix-not-in-array = [{ $index }] no está dentro de un arreglo
matrix-not-a-list = debe ser una lista no vacía de valores para el barrido, p. ej. [10, 100, 1000]
matrix-include-not-a-list = debe ser una lista de tablas, p. ej. include = [{ "{" } "limits.pids" = 10 { "}" }]
matrix-include-not-a-table = debe ser una tabla de claves y valores del escenario

# Las claves de [sandbox] como las describe `limitlab list`: scenario-key-RUTA, la ruta de la
# clave con '-' en lugar de '.' y '_'. docs/scenario.md y scenarios/schema.json siguen en inglés.

scenario-key-sandbox-namespaces = Qué espacios de nombres recibe el sandbox.
scenario-key-sandbox-hostname = El nombre de máquina del sandbox (necesita el espacio de nombres uts).
scenario-key-sandbox-uid = El uid con el que corre la carga (65534 es nobody).
scenario-key-sandbox-gid = El gid con el que corre la carga.
scenario-key-sandbox-rlimits = Límites de recursos (setrlimit) de la carga.
scenario-key-sandbox-rlimits-nproc = RLIMIT_NPROC: procesos del uid de la carga en toda la máquina (no se aplica al uid 0). Sin un `uid`, la carga corre con un uid prestado solo para esa ejecución (desde 1879048192 en adelante), para que solo cuenten los procesos del sandbox.
scenario-key-sandbox-rlimits-nofile = RLIMIT_NOFILE: archivos abiertos por proceso.
scenario-key-sandbox-rlimits-as = RLIMIT_AS: espacio de direcciones por proceso, un tamaño (al menos 16MiB).
scenario-key-sandbox-seccomp = El filtro de llamadas al sistema: dentro del sandbox no hay nuevos espacios de nombres, ni montajes, ni llaveros (keyrings) del kernel.
scenario-key-sandbox-writable = Rutas de la máquina en las que la carga puede escribir, montadas con escritura en la misma ruta (rutas absolutas que existan en la máquina). Por defecto la raíz de la máquina es de solo lectura y solo admiten escritura los tmpfs privados (/tmp, /var/tmp, /run, /dev/shm).
scenario-key-sandbox-bind = Rutas adicionales de la máquina montadas en el sandbox (de solo lectura, salvo con `writable = true`).
scenario-key-sandbox-bind-source = La ruta en la máquina (absoluta; debe existir).
scenario-key-sandbox-bind-target = Dónde la ve el sandbox (absoluta); por defecto, la misma ruta.
scenario-key-sandbox-bind-writable = Si la carga puede escribir en ella.
scenario-key-sandbox-devices = Nodos de dispositivo adicionales de la máquina, montados en el /dev mínimo con el mismo nombre (rutas absolutas bajo /dev). Por defecto /dev solo tiene null, zero, full, random, urandom, tty, un devpts privado con ptmx, y shm.

# Las líneas del propio `limitlab init` (src/cli/info.rs).

init-cannot-create = no se puede crear { $file }: { $error } (limitlab init nunca sobrescribe un archivo)
init-wrote = se escribió { $file }; revísalo con `limitlab validate { $file }` y ejecútalo con `limitlab run { $file }`

# Los comentarios de los escenarios iniciales de `limitlab init` (src/cli/info.rs); el TOML es
# el mismo en todos los idiomas (su description sigue en inglés).

starter-what-forkbomb = Una bomba fork en la que cada proceso hace fork para siempre y se queda, frente a pids.max = 100.
starter-what-threadbomb = Una bomba de hilos: pids.max cuenta los hilos igual que los procesos.
starter-what-memhog = Una carga que acapara memoria frente a un límite de memoria sin swap: el OOM killer la detiene en el límite.
starter-what-cpuspin = Hilos que giran en la CPU frente a una cuota de medio núcleo: se frenan (throttling), y se ve en su propio ritmo de trabajo.
starter-what-escape = Una carga hostil que intenta salir de sus cgroups y llegar a la máquina; cada intento debe fallar.
starter-what-command = Cualquier programa en el sandbox: aquí, la bomba fork en perl del curso.
starter-run-it = Ejecútalo: limitlab run ARCHIVO   ·   todas las claves: docs/scenario.md   ·   tipos y métricas: limitlab list
starter-duration = cuánto tiempo corre la carga
starter-sandbox-defaults = se muestran los valores por defecto
starter-uid = la carga corre como nobody
starter-expect = todas deben cumplirse para el código de salida 0
starter-pids = procesos e hilos a la vez; "max" = sin límite del escenario
starter-swap = sin swap: el límite es el límite
starter-size = cuánto intenta alcanzar
starter-rate = por defecto: tan rápido como lo permita el kernel
starter-backing = un archivo en tmpfs en lugar de memoria anónima
starter-cpu = núcleos: cuota/periodo de cpu.max
starter-duty = fracción ocupada de cada franja de 100 ms
starter-tries = por defecto: todos los intentos (`limitlab list` los nombra)
