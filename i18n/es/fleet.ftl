# The fleet report (`limitlab merge`) and what merge prints.

## El informe de la flota: report.md y report.html (src/report/fleet/findings.rs, markdown.rs, html.rs)

fleet-title = Informe de la flota: { $nodes }, { $scenarios }, { $runs }
fleet-nodes-one = { $count } nodo
fleet-nodes = { $count } nodos
fleet-scenarios-one = { $count } escenario
fleet-scenarios = { $count } escenarios
fleet-runs-one = { $count } ejecución
fleet-runs = { $count } ejecuciones
fleet-headline-one = Se cumplió { $held } de { $cells } celda nodo × escenario
fleet-headline = Se cumplieron { $held } de { $cells } celdas nodo × escenario
fleet-headline-failed = , { $count } con veredicto FALLIDO
fleet-headline-errors = , { $count } sin terminar
fleet-headline-missing-one = ; { $count } celda no tiene ejecución (un nodo no ejecutó ese escenario)
fleet-headline-missing = ; { $count } celdas no tienen ejecución (un nodo no ejecutó ese escenario)
fleet-matrix = Veredictos: nodos × escenarios
fleet-worst-of = la peor de { $runs }
fleet-no-run = sin ejecución
fleet-cell-numbers = máximo { $peak } / límite { $limit } tareas, fork p99 { $p99 }
fleet-differences = En qué difieren los nodos
fleet-fact-kernel = kernel
fleet-fact-cgroup-mode = modo de cgroups
fleet-fact-limitlab-version = versión de limitlab
fleet-same-everywhere = igual en todos los nodos: { $value }
fleet-differs = DIFIERE: { $values }
fleet-differs-on = { $value } en { $nodes }
fleet-worst = El peor nodo por métrica
fleet-worst-none = Ninguna métrica difiere entre los nodos (o menos de dos nodos ejecutaron cada escenario).
fleet-col-worst-node = peor nodo
fleet-col-median = mediana de la flota
fleet-col-best-node = mejor nodo
fleet-col-measures = qué mide
fleet-nodes-heading = Nodos
fleet-col-cpus = CPU
fleet-cgroup-unknown = desconocido
fleet-runtime-none = ninguno (en la máquina)

## El título de la gráfica de nodos (src/report/fleet/chart.rs)

fleet-chart-slowest = { $scenario }: los { $shown } de { $total } nodos con los forks de la máquina más lentos
fleet-chart-one = { $scenario } en { $total } nodo
fleet-chart = { $scenario } en { $total } nodos

## junit.xml (src/report/fleet/junit.rs)

fleet-junit-failure = en { $node }: { $failures }
fleet-junit-from = { $message } (leído de { $from })

## Leer lo que recibe merge (src/report/fleet/read.rs)

fleet-err-read-folder = no se puede leer la carpeta { $dir }: { $error }
fleet-err-no-summaries = { $dir } no contiene ningún summary.json ni ningún archivo .jsonl (se buscó hasta { $depth } niveles de profundidad); pasa carpetas de resultados de `limitlab run` o archivos con las líneas de su --format json
fleet-err-no-run-summary = { $file } no contiene ningún resumen de ejecución ({ $skipped }); se esperaba una línea JSON por ejecución, como las que imprime `limitlab run --format json`
fleet-err-missing = { $path } no existe; pasa carpetas de resultados (con summary.json dentro) o archivos de líneas JSON

## limitlab merge y compare con flotas (src/cli/report.rs)

fleet-skipped-lines = { $count ->
        [one] { $count } línea omitida por no ser JSON
       *[other] { $count } líneas omitidas por no ser JSON
    }
fleet-duplicates = { $count ->
        [one] { $count } ejecución leída dos veces, contada una vez
       *[other] { $count } ejecuciones leídas dos veces, contadas una vez
    }
fleet-merge-verdict = { $verdict }: { $nodes ->
        [one] { $nodes } nodo
       *[other] { $nodes } nodos
    }, { $scenarios ->
        [one] { $scenarios } escenario
       *[other] { $scenarios } escenarios
    }, { $runs ->
        [one] { $runs } ejecución
       *[other] { $runs } ejecuciones
    }{ $notes }: { $held ->
        [one] { $held } cumplida
       *[other] { $held } cumplidas
    }, { $failed ->
        [one] { $failed } fallida
       *[other] { $failed } fallidas
    }, { $errors } sin terminar
fleet-merge-report = informe: { $path } (y report.md, junit.xml)
fleet-err-write = escribir el informe de la flota en { $dir }: { $error }
fleet-compare-node-gone = nodo { $node }: REGRESIÓN  está en la flota de referencia y falta en la actual
