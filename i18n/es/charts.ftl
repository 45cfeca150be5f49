## Títulos, ejes, leyendas y mensajes de las gráficas (src/report/charts/)

event-start = inicio
event-exit = salida
event-error = error
event-pids-limit-hit = límite de pids alcanzado
event-memory-limit-hit = límite de memoria alcanzado
event-limit-hit = límite alcanzado
event-oom-kill = muerte por OOM
event-deadline = plazo
event-abort = aborto
event-teardown = desmontaje
event-teardown-end = fin del desmontaje
chart-no-samples = no se registró ninguna muestra en esta ejecución
chart-not-available = { $what }: no disponible en este kernel
chart-too-few = { $what }: muy pocas muestras para dibujar
chart-time-axis = tiempo desde que empezó la carga (s)
chart-legend-na = { $label }: n/d
chart-legend-far-above = { $label } (muy por encima de los datos, no se dibuja)
chart-safety-ceiling = techo de seguridad { $max }
chart-target-pids-max = pids.max del objetivo = { $max }
chart-pids-title = Tareas en el sandbox (pids.current)
chart-pids-axis = tareas
chart-pids-line = tareas
chart-pids-what = el número de tareas (pids.current)
chart-memory-ceiling = techo de memoria { $max }
chart-memory-title = Memoria del sandbox
chart-memory-line = memoria en uso
chart-swap-line = swap en uso
chart-memory-what = el uso de memoria
chart-cpu-title = Uso de CPU del sandbox (por intervalo de muestreo)
chart-cpu-axis = núcleos
chart-cpu-line = CPU en uso
chart-cpu-quota = cuota de cpu = { $quota } núcleos
chart-cpu-what = el uso de CPU
chart-psi-title-cgroup = Esperas por presión (PSI) del propio cgroup del sandbox
chart-psi-title-system = Esperas por presión (PSI), de todo el sistema: el sandbox no tiene un nodo cgroup2 propio
chart-psi-title = Esperas por presión (PSI)
chart-psi-axis = % del tiempo en espera
chart-psi-cpu-some = cpu some
chart-psi-cpu-full = cpu full
chart-psi-memory-some = memoria some
chart-psi-memory-full = memoria full
chart-psi-io-some = io some
chart-psi-io-full = io full
chart-psi-what = la información de esperas por presión (PSI)
chart-host-title = Respuesta de la máquina, sondeada desde fuera del sandbox
chart-host-fork-line = fork + exit + reap de un hijo diminuto
chart-host-late-line = retraso al despertar de un temporizador
chart-host-what = la sonda de la máquina
chart-probe-fork-failed = falló el fork de la sonda
chart-panel-peak = máximo de tareas (pids.peak)
chart-panel-time-to-limit = tiempo hasta el límite de pids (ms)
chart-panel-host-fork = fork de la máquina, p99 (ms)
chart-comparison-title = Comparación de { $runs } { $runs ->
        [one] ejecución
       *[other] ejecuciones
    }
chart-no-runs = no hay ejecuciones que comparar
chart-comparison-limit = el límite de pids de la ejecución
chart-comparison-na = n/d: sin valor (no disponible en ese kernel, o nunca se alcanzó el límite)
chart-cannot-draw = no se puede dibujar la gráfica { $name } como { $format }: { $error }
chart-font-missing = no se pudo cargar la fuente DejaVu Sans incorporada
