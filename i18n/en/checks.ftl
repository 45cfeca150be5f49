# `limitlab doctor`'s check names and status words; why a run's cgroups come from where they do (systemd, delegation, rootless).

## The status words of `limitlab doctor` (src/cli/doctor.rs)

status-ok = ok
status-missing = MISSING
status-warn = warn
status-info = info
doctor-cannot-run-until = limitlab cannot run scenarios here until the { status-missing } lines are fixed.

## Check names (the second column). PSI, clone3, pid_max, autogroup, cgroup.kill and cgroups
## are the kernel's own names and are not messages.

check-root = root
check-cgroup-mode = cgroup mode
check-cgroups-from = cgroups from
check-controller = { $controller } controller
check-no-internal-processes = no internal processes
check-namespaces = namespaces
check-sandbox-view = sandbox view
check-cgroup2-probe = cgroup2 probe
check-psi-per-sandbox = PSI per sandbox
check-user-namespaces = user namespaces
check-cgroup-delegation = cgroup delegation
check-cgroup2-tree = cgroup2 tree
check-cgroup2-tree-unified = cgroup2 tree (unified)
check-delegated = { $controllers } delegated

## Where a run's cgroups come from, and why (src/sandbox/cgroup/grant.rs)

grant-no-systemd = systemd does not manage this cgroup tree (no /run/systemd/system), so limitlab creates its cgroups beneath its own ({ $own })
grant-opted-out = { $var }=no: limitlab does not ask systemd and creates its cgroups beneath its own ({ $own })
grant-unreachable = systemd owns the cgroup tree but could not be asked for a cgroup ({ $error }), so limitlab works beneath its own ({ $own }) as on a host without systemd
grant-scope = { $why }, so limitlab asks { $manager } for a delegated scope of its own (limitlab-<pid>.scope in { $slice })
grant-delegated-alone = limitlab's cgroup { $own } belongs to { $unit }, which systemd delegates (Delegate=yes), and limitlab is alone in it
grant-delegated-shared = limitlab's cgroup { $own } belongs to { $unit }, which is delegated but shared with { $others ->
        [one] { $others } other process
       *[other] { $others } other processes
    } (cgroup v2 gives a cgroup with processes no child controllers)
grant-not-delegated = limitlab's cgroup { $own } belongs to { $unit }, which systemd owns and did not delegate{ $shared }
grant-and-shared = , and shared with { $others ->
        [one] { $others } other process
       *[other] { $others } other processes
    }
grant-no-unit = { $manager } has no unit for limitlab's cgroup { $own }
grant-not-given = { $why }; but systemd did not give it: { $error }
grant-context = where limitlab's cgroups come from: { $why }
grant-own-cgroup = own cgroup
grant-own-cgroup-unreachable = own cgroup (systemd could not be asked: { $error })
grant-systemd-scope = systemd scope { $scope } ({ $manager })
grant-stale-stopped = stopped { $scope } ({ $state }), left by a harness that is gone
grant-stale-not-removed = could not remove { $scope }: { $error }

## systemd over D-Bus (src/sandbox/cgroup/systemd.rs)

bus-system = the system manager
bus-user = the user manager
systemd-hint-system = ; systemd runs, but the system bus does not: install and start dbus (Debian, Ubuntu: the dbus package)
systemd-hint-user = ; your user manager runs, but it has no D-Bus socket: install dbus-user-session (Debian, Ubuntu) and log in again
systemd-unreachable = cannot reach { $manager } over D-Bus: { $error }
systemd-job-result = { $what }: the job ended with result { $result }
systemd-timeout = { $what }: systemd did not answer within { $secs } s
systemd-connection-closed = (the bus connection closed)

## Running without root: what is missing, and what to do (src/sandbox/rootless.rs)

rootless-cannot-head = not root, and a run without root is not possible here:
rootless-cannot-tail = (`limitlab doctor` shows every check; or run limitlab as root)
rootless-userns-ok = this user can make a user namespace with the sandbox's others
rootless-userns-failed = this user cannot make a user namespace ({ $error }): { $why }
rootless-userns-clone-off = kernel.unprivileged_userns_clone = 0 turns them off for users (`sysctl -w kernel.unprivileged_userns_clone=1`)
rootless-max-userns-off = user.max_user_namespaces = 0 turns them off (`sysctl -w user.max_user_namespaces=15000`)
rootless-max-userns-used = user.max_user_namespaces = { $max } are in use already
rootless-apparmor = kernel.apparmor_restrict_unprivileged_userns = 1: AppArmor allows them only to programs whose profile says `userns,` (give limitlab one, or set it to 0)
rootless-userns-what-to-check = check the sysctls kernel.unprivileged_userns_clone (Debian), user.max_user_namespaces and kernel.apparmor_restrict_unprivileged_userns (Ubuntu), and any seccomp filter this shell runs under
rootless-owned-by = owned by uid { $uid }
rootless-not-yours = { $path } is not yours ({ $owner })
rootless-how-v2 = where systemd runs, limitlab asks the user manager for a delegated scope by itself (is the user manager running? `loginctl enable-linger` or a login session starts it); elsewhere run limitlab in a delegated cgroup of its own, e.g. `systemd-run --user --scope -p Delegate=yes limitlab run ...`
rootless-how-v1 = cgroup v1 has no delegation of its own: an administrator makes a cgroup for you in each hierarchy listed, chowns it and its cgroup.procs and tasks (cgroup.procs and cgroup.subtree_control on cgroup2) to you, and moves your shell into it (README: Running without root)
rootless-none-delegated = no cgroup here is delegated to you: { $dirs }; { $how }
rootless-sandboxes-beneath = sandboxes go beneath { $dir }
rootless-delegated = delegated
rootless-pids-needed = every run needs it (limits.pids, and the safety ceiling: a fork bomb cannot be capped without it)
rootless-key-needs = the scenario key { $key } needs it
rootless-ceiling-needs = the memory ceiling (--memory-ceiling, half the host's memory by default) needs it
rootless-not-delegated = not delegated to { $dir } (its cgroup.controllers: { $available }), and { $why }; systemd's user manager delegates to users only the controllers user@.service names (pids and memory everywhere, cpu since systemd 252): as root, create { $dropin } with the two lines `[Service]` and `Delegate=pids memory cpu cpuset io`, run `systemctl daemon-reload`, and log in again
rootless-write-map = write { $text } to /proc/{ $pid }/{ $file }: { $error }
