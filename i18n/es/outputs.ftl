# What the commands print for a person beyond the reports: compare's table, JUnit's failure texts, the cgroup mode, exec, list's frame, a workload run by hand, and the placeholders of --help's usage line.

# compare, junit

## limitlab compare (src/report/compare.rs): la palabra antes de cada línea (rellenada a 10
## caracteres, como la tabla las alinea), las líneas, el total

compare-word-regression = REGRESIÓN
compare-word-better = mejor
compare-word-changed = cambió
compare-word-missing = falta
compare-word-same = igual
compare-na = n/d
compare-lost = REGRESIÓN  está en la referencia, pero los resultados actuales no tienen un resumen de ella
compare-broken = REGRESIÓN  la expectativa { $metric } { $expected } se cumplía en la referencia y ahora falla
compare-percent = { $n } %
compare-nothing-moved = ninguna métrica se movió más de { $tolerance } %
compare-no-regression = ninguna regresión
compare-regressions = { $count ->
        [one] { $count } regresión
       *[other] { $count } regresiones
    }

## junit.xml (src/report/junit.rs; también el de la flota): los textos de fallo y de error;
## el XML y los nombres de sus atributos no cambian

junit-failure = { $metric } = { $value }, se esperaba { $expected }
junit-teardown-left = el desmontaje dejó atrás { $count ->
        [one] { $count } cosa
       *[other] { $count } cosas
    }

# cgroups, exec, list, workloads

## El modo de cgroups como lo lee una persona (informe, informe de la flota); summary.json
## guarda v1, hybrid, v2 (src/sandbox/cgroup/layout.rs)

cgroup-mode-v1 = cgroup v1
cgroup-mode-hybrid = cgroup v1 híbrido (controladores v1 + árbol cgroup2)
cgroup-mode-v2 = cgroup v2

## limitlab exec (src/cli/exec.rs); las líneas de --time empiezan con "limitlab exec:" y los
## pasos propios del init conservan sus nombres (setsid, no_new_privs, …)

exec-needs-root = limitlab exec necesita root para crear cgroups y espacios de nombres; ejecútalo con sudo
exec-signal-handlers = instalar los manejadores de señales: { $error }
exec-did-not-start = limitlab: el comando no arrancó: { $error }
exec-release = liberar la carga: { $error }
exec-teardown-left = el desmontaje dejó atrás { $processes ->
        [one] { $processes } proceso
       *[other] { $processes } procesos
    } y { $cgroups ->
        [one] { $cgroups } cgroup
       *[other] { $cgroups } cgroups
    }: { $stuck }
exec-timed-out = limitlab: el comando seguía en ejecución después de --timeout { $timeout }; se mató
exec-time = limitlab exec: cgroups desde { $from } en { $grant } ms; del inicio del sandbox al exec { $start }; desmontaje { $teardown } ms ({ $method })
exec-time-start = { $ms } ms
exec-time-never-started = n/d (el comando nunca arrancó)
exec-span = limitlab exec: tramo { $at } ms { $took } ms  { $step }
exec-step-setup-started = inicio de la preparación
exec-step-cgroups = cgroups creados, límites escritos
exec-step-init-cloned = init clonado
exec-step-config-sent = configuración enviada
exec-step-ready = Ready leído por el arnés
exec-step-executing = carga en ejecución

## Los encabezados y el marco de limitlab list (src/cli/info.rs); las claves, los tipos, los
## nombres de las métricas y las unidades no se traducen

list-kinds = Tipos de carga ([[workload]] kind = "..."):
list-default = { " " }(predeterminado: { $value })
list-required = { " " }(obligatorio)
list-sandbox = El sandbox (claves de [sandbox]):
list-view = Lo que ve la carga:
list-metrics = Métricas ([expect] "métrica" = "comparación"):
list-comparisons =
    Comparaciones: < <= == != >= > y un número, o un rango inclusivo bajo..alto; las métricas en
    bytes y en ms admiten unidades ("< 128MiB", "< 2s"). Intentos de escape (kind = "escape", tries = [...]):

## limitlab __workload TIPO ejecutado a mano (src/cli/workload.rs): qué le pone tope, o por qué
## se niega a arrancar

workload-refuse = no se arranca { $what } sin nada que le ponga tope: { $how }. Ejecuta la carga con `limitlab run`, o bajo un tope como `systemd-run --scope -p TasksMax=100 -p MemoryMax=256M ...`
workload-refuse-bomb = una bomba
workload-refuse-bomb-why = ningún límite de pids de un cgroup se aplica a este proceso y RLIMIT_NPROC es ilimitado (o eres root)
workload-refuse-memhog = un acaparador de memoria
workload-refuse-memhog-why = ningún límite de memoria de un cgroup se aplica a este proceso y RLIMIT_AS es ilimitado
workload-capped-by = limitlab: con el tope de { $cap }
workload-pids-cap = pids.max = { $max } en { $dir }
workload-memory-cap = un límite de memoria de { $size } en { $dir }

# --help

## Los marcadores que clap escribe en una línea de uso (src/cli/help.rs): "Uso: limitlab
## [OPCIONES] <COMANDO>"; el inglés conserva los de clap

usage-options = OPCIONES
usage-command = COMANDO
usage-args = ARGUMENTOS
