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
