# `limitlab doctor`'s check names and status words; why a run's cgroups come from where they do (systemd, delegation, rootless).
