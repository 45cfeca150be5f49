# `limitlab doctor`'s check names and status words; why a run's cgroups come from where they do (systemd, delegation, rootless).

## The status words of `limitlab doctor` (src/cli/doctor.rs)

status-ok = ok
status-missing = FALTA
status-warn = aviso
status-info = info
doctor-cannot-run-until = limitlab no puede ejecutar escenarios aquí hasta que se arreglen las líneas marcadas { status-missing }.

## Check names (the second column). PSI, clone3, pid_max, autogroup, cgroup.kill and cgroups
## are the kernel's own names and are not messages.

check-root = privilegios
check-cgroup-mode = modo de cgroup
check-cgroups-from = origen de los cgroups
check-controller = controlador { $controller }
check-no-internal-processes = sin procesos internos
check-namespaces = espacios de nombres (namespaces)
check-sandbox-view = vista del sandbox
check-cgroup2-probe = prueba de cgroup2
check-psi-per-sandbox = PSI por sandbox
check-user-namespaces = espacios de nombres de usuario
check-cgroup-delegation = delegación de cgroups
check-cgroup2-tree = árbol cgroup2
check-cgroup2-tree-unified = árbol cgroup2 (unificado)
check-delegated = delegación de { $controllers }

## Where a run's cgroups come from, and why (src/sandbox/cgroup/grant.rs)

grant-no-systemd = systemd no gestiona este árbol de cgroups (no hay /run/systemd/system), así que limitlab crea sus cgroups bajo el suyo propio ({ $own })
grant-opted-out = { $var }=no: limitlab no le pregunta a systemd y crea sus cgroups bajo el suyo propio ({ $own })
grant-unreachable = systemd es dueño del árbol de cgroups pero no se le pudo pedir un cgroup ({ $error }), así que limitlab trabaja bajo el suyo propio ({ $own }) como en una máquina sin systemd
grant-scope = { $why }, así que limitlab le pide a systemd ({ $manager }) un scope delegado propio (limitlab-<pid>.scope en { $slice })
grant-delegated-alone = el cgroup { $own } de limitlab pertenece a { $unit }, que systemd delega (Delegate=yes), y limitlab está solo en él
grant-delegated-shared = el cgroup { $own } de limitlab pertenece a { $unit }, que está delegado pero lo comparte con { $others ->
        [one] { $others } proceso más
       *[other] { $others } procesos más
    } (cgroup v2 no da controladores a los hijos de un cgroup que tiene procesos)
grant-not-delegated = el cgroup { $own } de limitlab pertenece a { $unit }, que es de systemd y no está delegado{ $shared }
grant-and-shared = , y lo comparte con { $others ->
        [one] { $others } proceso más
       *[other] { $others } procesos más
    }
grant-no-unit = { $manager } no tiene ninguna unidad para el cgroup { $own } de limitlab
grant-not-given = { $why }; pero systemd no lo concedió: { $error }
grant-context = de dónde vienen los cgroups de limitlab: { $why }
grant-own-cgroup = cgroup propio
grant-own-cgroup-unreachable = cgroup propio (no se le pudo preguntar a systemd: { $error })
grant-systemd-scope = scope de systemd { $scope } ({ $manager })
grant-stale-stopped = se detuvo { $scope } ({ $state }), que dejó un arnés que ya no existe
grant-stale-not-removed = no se pudo eliminar { $scope }: { $error }

## systemd over D-Bus (src/sandbox/cgroup/systemd.rs)

bus-system = el gestor del sistema
bus-user = el gestor de usuario
systemd-hint-system = ; systemd está en marcha, pero el bus del sistema no: instala e inicia dbus (Debian, Ubuntu: el paquete dbus)
systemd-hint-user = ; tu gestor de usuario está en marcha, pero no tiene socket de D-Bus: instala dbus-user-session (Debian, Ubuntu) y vuelve a iniciar sesión
systemd-unreachable = no se puede contactar por D-Bus con { $manager }: { $error }
systemd-job-result = { $what }: el trabajo terminó con el resultado { $result }
systemd-timeout = { $what }: systemd no respondió en { $secs } s
systemd-connection-closed = (se cerró la conexión con el bus)

## Running without root: what is missing, and what to do (src/sandbox/rootless.rs)

rootless-cannot-head = no es root, y aquí no es posible una ejecución sin root:
rootless-cannot-tail = (`limitlab doctor` muestra todas las comprobaciones; o ejecuta limitlab como root)
rootless-userns-ok = este usuario puede crear un espacio de nombres de usuario junto con los demás del sandbox
rootless-userns-failed = este usuario no puede crear un espacio de nombres de usuario ({ $error }): { $why }
rootless-userns-clone-off = kernel.unprivileged_userns_clone = 0 los desactiva para los usuarios (`sysctl -w kernel.unprivileged_userns_clone=1`)
rootless-max-userns-off = user.max_user_namespaces = 0 los desactiva (`sysctl -w user.max_user_namespaces=15000`)
rootless-max-userns-used = user.max_user_namespaces = { $max }: ya están todos en uso
rootless-apparmor = kernel.apparmor_restrict_unprivileged_userns = 1: AppArmor los permite solo a los programas cuyo perfil dice `userns,` (dale uno a limitlab, o ponlo en 0)
rootless-userns-what-to-check = revisa los sysctl kernel.unprivileged_userns_clone (Debian), user.max_user_namespaces y kernel.apparmor_restrict_unprivileged_userns (Ubuntu), y cualquier filtro seccomp bajo el que corra esta shell
rootless-owned-by = su dueño es el uid { $uid }
rootless-not-yours = { $path } no es tuyo ({ $owner })
rootless-how-v2 = donde corre systemd, limitlab le pide por sí mismo un scope delegado al gestor de usuario (¿está en marcha el gestor de usuario? `loginctl enable-linger` o una sesión iniciada lo arranca); en otros casos ejecuta limitlab en un cgroup delegado propio, p. ej. `systemd-run --user --scope -p Delegate=yes limitlab run ...`
rootless-how-v1 = cgroup v1 no tiene delegación propia: un administrador te crea un cgroup en cada jerarquía de la lista, te lo cede con chown junto con sus cgroup.procs y tasks (cgroup.procs y cgroup.subtree_control en cgroup2) y mueve tu shell a él (README: Running without root)
rootless-none-delegated = aquí no hay ningún cgroup delegado a ti: { $dirs }; { $how }
rootless-sandboxes-beneath = los sandboxes van bajo { $dir }
rootless-delegated = delegado
rootless-pids-needed = toda ejecución lo necesita (limits.pids, y el techo de seguridad: sin él no se le puede poner tope a una bomba fork)
rootless-key-needs = la clave { $key } del escenario lo necesita
rootless-ceiling-needs = el techo de memoria (--memory-ceiling, por omisión la mitad de la memoria de la máquina) lo necesita
rootless-not-delegated = no delegado a { $dir } (su cgroup.controllers: { $available }), y { $why }; el gestor de usuario de systemd delega a los usuarios solo los controladores que nombra user@.service (pids y memory en todas partes, cpu desde systemd 252): como root, crea { $dropin } con las dos líneas `[Service]` y `Delegate=pids memory cpu cpuset io`, ejecuta `systemctl daemon-reload` y vuelve a iniciar sesión
rootless-write-map = escribir { $text } en /proc/{ $pid }/{ $file }: { $error }
