# `--help`: the commands' and options' help text.
