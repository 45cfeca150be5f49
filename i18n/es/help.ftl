# `--help`: the commands' and options' help text.
# Lo que muestra `--help` en español (src/cli/help.rs). Cada id dice dónde va el texto:
# help-<comando> (la lista de comandos), -long (su propio --help), -after (tras las opciones),
# help-<comando>-<opción> (la ayuda de una opción), -long, -<valor> (un valor posible);
# help-limitlab… es el nivel superior. Los nombres de opciones, comandos, archivos, claves y
# métricas, y los marcadores como <SCENARIO> o [OPTIONS], no se traducen.

## Los comandos y sus opciones

help-limitlab = Demuestra que los límites de recursos se mantienen: ejecuta cargas hostiles en sandboxes limitados por cgroups, mide e informa
help-limitlab-long = limitlab inicia un sandbox aislado (espacios de nombres pid, mount, net, uts, ipc y cgroup) dentro de cgroups con los límites que pide un archivo de escenario, ejecuta en él una carga de ataque (una bomba fork o cualquier comando), muestrea el cgroup a lo largo del tiempo, lo desmonta todo sin dejar escapar ningún proceso, escribe la evidencia en CSV y JSON, y sale con un código distinto de cero cuando una expectativa falla.
help-limitlab-after =
    Ejemplos:
      limitlab run scenarios/forkbomb.toml          bomba fork contra pids.max = 100
      limitlab run scenarios/*.toml --quiet         todos los escenarios incluidos, solo veredictos
      limitlab run scenarios/forkbomb.toml --out /tmp/fb
      limitlab exec --pids 50 --memory 64MiB -- perl -e 'fork while fork'   un comando, sin informe
      limitlab run scenarios/coursework.toml        un barrido: una ejecución por celda de [matrix], un informe
      limitlab run scenarios/*.toml --junit junit.xml --quiet      para CI
      limitlab report results/forkbomb/20261129T064534Z             rehace el informe de una ejecución
      limitlab compare results/old results/new --tolerance 20      falla si hay regresiones
      limitlab run scenarios/*.toml --node n1 --format json > n1.jsonl   una línea JSON por ejecución
      limitlab merge n1.jsonl n2.jsonl results/ --out fleet        un informe para muchos nodos
      limitlab validate scenarios/*.toml            revisa archivos sin ejecutar nada
      limitlab doctor                               qué puede y qué no puede hacer esta máquina
      limitlab run scenarios/forkbomb.toml          (sin root) un espacio de nombres de usuario y, con
                                                    systemd, un scope delegado por tu gestor de usuario

    Códigos de salida: 0 se cumplieron todas las expectativas, 1 falló una expectativa, 2 entrada o
    uso incorrectos, 3 la máquina no puede ejecutarlo (falta un controlador; sin root, no hay
    espacios de nombres de usuario o no hay un cgroup delegado), 4 error interno o una fuga.
help-limitlab-lang = El idioma en que limitlab escribe para las personas: terminal, informes, gráficas, errores [predeterminado: de LC_ALL, LC_MESSAGES o LANG (es_CO.UTF-8 → es), si no, en (inglés)]
help-limitlab-lang-en = inglés (el predeterminado)
help-limitlab-lang-es = español
help-run = Ejecuta escenarios y comprueba sus expectativas
help-run-after =
    Cada ejecución escribe results/<name>/<marca de tiempo UTC>/ (o --out): samples.csv (los
    contadores en bruto en cada intervalo), events.csv (límites alcanzados, muertes por OOM,
    salidas de la carga, desmontaje), workload.log (la salida de la carga), summary.json (los
    límites tal como se escribieron, métricas, expectativas, veredicto), y report.md /
    report.html con gráficas. Un escenario con una tabla [matrix] es un barrido: una carpeta
    por celda y un informe combinado que las compara.

    Ejemplos:
      limitlab run scenarios/forkbomb.toml
      limitlab run scenarios/forkbomb.toml scenarios/forkbomb-perl.toml --quiet
      limitlab run scenarios/forkbomb.toml --out /tmp/forkbomb-run
      limitlab run scenarios/*.toml --junit junit.xml --format json > summaries.jsonl
help-run-scenarios = Archivos de escenario (TOML); todos se validan antes de ejecutar ninguno
help-run-out = Escribe los resultados aquí en lugar de results/<name>/<timestamp>/ (con varios escenarios: DIR/<name>/)
help-run-safety-ceiling = El tope de pids para los escenarios que no fijan ninguno (limits.pids ausente o "max")
help-run-memory-ceiling = El tope de memoria para los escenarios que no fijan limits.memory, p. ej. 8GiB [predeterminado: la mitad de la memoria de la máquina]
help-run-quiet = Imprime solo los veredictos, sin estado en vivo
help-run-target = Ejecuta dentro de un contenedor existente o bajo un cgroup en lugar de un sandbox nuevo (reemplaza el [target] del escenario): pid:1234, lxc:NAME, docker:NAME, podman:NAME, lxd:NAME, incus:NAME, cgroup:/system.slice/x.slice, cgroup:self (los cgroups en que corre limitlab: en un contenedor, sus límites)
help-run-junit = Escribe además JUnit XML aquí: un caso de prueba por expectativa y por ejecución
help-run-format = text: veredictos para personas; json: el resumen de cada ejecución como una línea JSON en stdout (lo que `limitlab merge` lee de muchas máquinas, p. ej. recogido con `kubectl logs`)
help-run-node = El nodo con el que se etiqueta esta ejecución en un informe de flota (`limitlab merge`); se guarda en la sección host de summary.json [predeterminado: el nombre de la máquina]
help-exec = Ejecuta un comando en un sandbox bajo límites, sin muestreo ni informe
help-exec-after =
    El mismo sandbox que `run` (cgroups creados y límites escritos antes de que nada se ejecute;
    espacios de nombres pid, mount, net, uts, ipc y cgroup; uid 65534 sin capacidades,
    no_new_privs, el filtro de llamadas al sistema), con la stdin, la stdout y la stderr de este
    proceso pasadas tal cual y nada más alrededor: sin muestreador, sin carpeta de resultados,
    sin informe. Sin --pids lo limita el techo de seguridad; sin --memory, la mitad de la memoria
    de la máquina. Todo se mata y los cgroups se eliminan cuando sale el primer proceso del
    comando, al llegar a --timeout o con Ctrl-C.

    Código de salida: el del propio comando (128+N cuando lo mató una señal N), 124 cuando lo
    mató --timeout, si no el de limitlab: 2 entrada incorrecta (el programa no se encuentra o no
    se puede iniciar), 3 la máquina no puede hacerlo, 4 error interno o algo que quedó atrás.

    Ejemplos:
      limitlab exec -- /bin/true                                   el costo mínimo de un sandbox
      limitlab exec --time -- /bin/true                            ... y en qué se fue
      limitlab exec --pids 50 -- perl -e 'fork while fork'         una bomba contenida en 50 tareas
      limitlab exec --memory 64MiB -- python3 -c 'b = bytearray(1 << 30)'   muerta por OOM: 137
      limitlab exec --cpu 0.5 --timeout 3s -- sh -c 'while :; do :; done'  medio núcleo, 124
help-exec-pids = pids.max para el sandbox [predeterminado: el techo de seguridad]
help-exec-memory = El límite de memoria, p. ej. 256MiB [predeterminado: la mitad de la memoria de la máquina]
help-exec-cpu = La cuota de CPU en núcleos, p. ej. 0.5
help-exec-timeout = Mata el comando pasado este tiempo, p. ej. 30s (código de salida 124)
help-exec-safety-ceiling = El tope de pids cuando no se da --pids
help-exec-time = Imprime en stderr cuánto tardó el sandbox en iniciar el comando y en desmontarse
help-exec-command = El programa y sus argumentos (se busca en PATH)
help-report = Vuelve a generar las gráficas y los informes solo a partir de una carpeta de resultados (una ejecución o un barrido)
help-report-after =
    Lee summary.json, samples.csv y events.csv (o sweep.json y sus celdas) y vuelve a escribir
    report.md, report.html y las gráficas; no se toca el sistema en vivo.

    Ejemplo:
      limitlab report results/forkbomb/20261129T064534Z
help-report-dir = La carpeta de resultados de una ejecución o de un barrido
help-compare = Compara dos resultados (ejecuciones o barridos) métrica por métrica; sale con 1 ante una regresión
help-compare-after =
    Una regresión es una expectativa que se cumplió en BASELINE y falla en CURRENT, o una métrica
    que se movió más de --tolerance por ciento en su dirección mala (latencias, fugas, lo que
    siente la máquina: subir es malo). Las métricas que solo describen el ataque se muestran pero
    nunca fallan.

    BASELINE y CURRENT también pueden ser flotas (un archivo de líneas JSON, o una carpeta con
    resultados de muchos nodos, tal como los lee `limitlab merge`): entonces cada nodo x
    escenario se compara con el del mismo nodo en la referencia, y un nodo (o el escenario de un
    nodo) que la referencia tiene y a la flota actual le falta es una regresión.

    Ejemplos:
      limitlab compare results/forkbomb/20261101T000000Z results/forkbomb/20261129T064534Z
      limitlab compare fleet-last-week.jsonl fleet-today.jsonl --tolerance 25
help-compare-tolerance = Cuánto, en por ciento, puede moverse una métrica en su dirección mala
help-merge = Une los resultados de muchos nodos en un informe de flota; sale con 1 si un nodo falló
help-merge-after =
    Cada INPUT es una carpeta de resultados (se lee cada summary.json que haya debajo:
    ejecuciones, celdas de barridos, un árbol de carpetas copiado de muchas máquinas, y cualquier
    archivo *.jsonl que contenga) o un archivo de líneas JSON, el resumen de una ejecución por
    línea, tal como los imprime `limitlab run --format json` (las líneas que no son JSON, como
    las líneas de log de `kubectl logs`, se omiten). Una ejecución se etiqueta con el nodo en que
    corrió: `limitlab run --node NAME` (o la variable de entorno NODE_NAME, que la Downward API
    de Kubernetes puede fijar), si no con el nombre de su máquina.

    Escribe en --out (predeterminado results/fleet/<marca de tiempo UTC>/): report.md,
    report.html (un solo archivo autocontenido), junit.xml (una suite de pruebas por nodo, un
    caso de prueba por nodo x escenario) y una gráfica por escenario que compara los nodos
    (nodes-N.svg, .png). El informe tiene los veredictos de cada nodo x escenario con las cifras
    clave, el peor nodo en cada métrica, y en qué se diferencian los nodos: kernel, modo de
    cgroups, runtime de contenedores o versión de limitlab.

    Códigos de salida: 0 todos los nodos cumplieron, 1 falló una expectativa en algún nodo,
    2 entrada incorrecta.

    Ejemplos:
      limitlab run scenarios/*.toml --node worker-1 --format json > worker-1.jsonl
      limitlab merge worker-1.jsonl worker-2.jsonl --out fleet
      kubectl logs -l job-name=limitlab --prefix > fleet.jsonl && limitlab merge fleet.jsonl
      limitlab merge artifacts/            cada summary.json y *.jsonl bajo artifacts/
      limitlab compare baseline.jsonl fleet.jsonl    por nodo; un nodo que falta es una regresión
help-merge-inputs = Carpetas de resultados o archivos de líneas JSON
help-merge-out = Escribe aquí el informe de flota (se crea si no existe)
help-validate = Revisa archivos de escenario sin ejecutarlos (sale con 2 en el primero incorrecto)
help-validate-scenarios = Archivos de escenario (TOML)
help-doctor = Informa qué puede hacer esta máquina: modo de cgroups, controladores, PSI, cgroup.kill, espacios de nombres
help-list = Lista los tipos de carga con sus opciones y valores predeterminados, y cada métrica que conoce [expect]
help-init = Escribe un escenario inicial comentado
help-init-after =
    Ejemplo:
      limitlab init --kind memhog my-memhog.toml && limitlab run my-memhog.toml
help-init-kind = forkbomb, threadbomb, memhog, cpuspin, escape o command
help-init-file = El archivo que se crea (nunca se sobrescribe)
help-schema = Imprime el JSON Schema de los archivos de escenario (para editores: taplo, Even Better TOML)
help-completions = Imprime el autocompletado para la shell
help-completions-after =
    Ejemplo:
      limitlab completions bash > /etc/bash_completion.d/limitlab
help-man = Imprime la página de manual (roff)
help-man-after =
    Ejemplo:
      limitlab man > /usr/local/share/man/man1/limitlab.1
help-clean = Elimina lo que dejaron las ejecuciones (un arnés matado con SIGKILL): los cgroups propios de limitlab bajo los cgroups de este proceso cuyo arnés ya no existe, y cualquier proceso que siga en ellos

## Lo que aceptan las opciones (clap lo imprime tras "valor no válido … para '--node <NAME>':")

arg-bad-node = { $text } no es un nombre de nodo; usa de 1 a 253 caracteres imprimibles, p. ej. worker-1

## Lo que clap escribe por su cuenta: encabezados, las notas tras la ayuda de una opción,
## las opciones y el subcomando de ayuda que añade, y sus mensajes de error

help-clap-usage = Uso
help-clap-commands = Comandos
help-clap-arguments = Argumentos
help-clap-options = Opciones
help-clap-possible-values = Valores posibles
help-clap-default = predeterminado
help-clap-values = valores posibles
help-clap-env = variable de entorno
help-clap-subcommands = subcomandos
help-clap-flag-help = Imprime la ayuda
help-clap-flag-help-more = Imprime la ayuda (más detalle con '--help')
help-clap-flag-help-summary = Imprime la ayuda (un resumen con '-h')
help-clap-flag-version = Imprime la versión
help-clap-help = Imprime este mensaje o la ayuda de los subcomandos indicados
help-clap-help-command = Imprime la ayuda de los subcomandos
help-clap-more = Para más información, prueba '{ $flag }'.
help-clap-tip = sugerencia
help-clap-err-used-twice = el argumento '{ $arg }' no se puede usar más de una vez
help-clap-err-conflict = el argumento '{ $arg }' no se puede usar junto con
help-clap-err-conflict-subcommand = el subcomando '{ $name }' no se puede usar junto con
help-clap-err-conflict-others = uno o más de los demás argumentos dados
help-clap-err-no-equals = hace falta un signo igual para dar valores a '{ $arg }'
help-clap-err-value-required = '{ $arg }' necesita un valor, pero no se dio ninguno
help-clap-err-invalid-value = valor no válido '{ $value }' para '{ $arg }'
help-clap-err-unknown-subcommand = subcomando desconocido '{ $name }'
help-clap-err-missing = faltan estos argumentos obligatorios:
help-clap-err-missing-subcommand = '{ $name }' necesita un subcomando, pero no se dio ninguno
help-clap-err-too-many = valor inesperado '{ $value }' para '{ $arg }'; no se esperaban más
help-clap-err-too-few = '{ $arg }' necesita { $min } valores; solo { $provided } { $actual }
help-clap-err-wrong-number = '{ $arg }' necesita { $expected } valores, pero { $provided } { $actual }
help-clap-was-provided = se dio
help-clap-were-provided = se dieron
help-clap-err-unknown-argument = argumento inesperado '{ $arg }'
help-clap-not-in-range = { $value } no está en { $range }
help-clap-similar-subcommand = existe un subcomando parecido: { $names }
help-clap-similar-subcommands = existen subcomandos parecidos: { $names }
help-clap-similar-argument = existe un argumento parecido: { $names }
help-clap-similar-arguments = existen argumentos parecidos: { $names }
help-clap-similar-value = existe un valor parecido: { $names }
help-clap-similar-values = existen valores parecidos: { $names }
help-clap-tip-as-value = para pasar '{ $arg }' como valor, usa '{ $fix }'
help-clap-tip-exists = existe '{ $fix }'
help-clap-tip-double-dash = el subcomando '{ $name }' existe; para usarlo, quita el '{ $dash }' que va antes
