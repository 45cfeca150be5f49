# Values a report shows from the host and the sandbox (the view, events), target and unit errors, and counted words.
