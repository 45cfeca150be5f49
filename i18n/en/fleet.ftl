# The fleet report (`limitlab merge`) and what merge prints.

## The fleet report: report.md and report.html (src/report/fleet/findings.rs, markdown.rs, html.rs)

fleet-title = Fleet report: { $nodes }, { $scenarios }, { $runs }
fleet-nodes-one = { $count } node
fleet-nodes = { $count } nodes
fleet-scenarios-one = { $count } scenario
fleet-scenarios = { $count } scenarios
fleet-runs-one = { $count } run
fleet-runs = { $count } runs
fleet-headline-one = { $held } of { $cells } node × scenario cell held
fleet-headline = { $held } of { $cells } node × scenario cells held
fleet-headline-failed = , { $count } FAILED
fleet-headline-errors = , { $count } did not complete
fleet-headline-missing-one = ; { $count } cell has no run (a node did not run that scenario)
fleet-headline-missing = ; { $count } cells have no run (a node did not run that scenario)
fleet-matrix = Verdicts: nodes × scenarios
fleet-worst-of = worst of { $runs }
fleet-no-run = no run
fleet-cell-numbers = peak { $peak } / limit { $limit } tasks, fork p99 { $p99 }
fleet-differences = Where the nodes differ
fleet-fact-kernel = kernel
fleet-fact-cgroup-mode = cgroup mode
fleet-fact-limitlab-version = limitlab version
fleet-same-everywhere = the same on every node: { $value }
fleet-differs = DIFFERS: { $values }
fleet-differs-on = { $value } on { $nodes }
fleet-worst = The worst node per metric
fleet-worst-none = No metric differs between nodes (or fewer than two nodes ran each scenario).
fleet-col-worst-node = worst node
fleet-col-median = fleet median
fleet-col-best-node = best node
fleet-col-measures = what it measures
fleet-nodes-heading = Nodes
fleet-col-cpus = CPUs
fleet-cgroup-unknown = unknown
fleet-runtime-none = none (host)

## The node chart's title (src/report/fleet/chart.rs)

fleet-chart-slowest = { $scenario }: the { $shown } of { $total } nodes with the slowest host forks
fleet-chart-one = { $scenario } on { $total } node
fleet-chart = { $scenario } on { $total } nodes

## junit.xml (src/report/fleet/junit.rs)

fleet-junit-failure = on { $node }: { $failures }
fleet-junit-from = { $message } (from { $from })

## Reading the inputs of merge (src/report/fleet/read.rs)

fleet-err-read-folder = cannot read folder { $dir }: { $error }
fleet-err-no-summaries = { $dir } holds no summary.json and no .jsonl file beneath it (searched { $depth } levels deep); give results folders of `limitlab run` or files of its --format json lines
fleet-err-no-run-summary = { $file } holds no run summary ({ $skipped }); expected one JSON line per run, as `limitlab run --format json` prints
fleet-err-missing = { $path } does not exist; give results folders (with summary.json beneath) or files of JSON lines

## limitlab merge and compare on fleets (src/cli/report.rs)

fleet-skipped-lines = { $count ->
        [one] { $count } line that is not JSON skipped
       *[other] { $count } lines that are not JSON skipped
    }
fleet-duplicates = { $count ->
        [one] { $count } run read twice counted once
       *[other] { $count } runs read twice counted once
    }
fleet-merge-verdict = { $verdict }: { $nodes ->
        [one] { $nodes } node
       *[other] { $nodes } nodes
    }, { $scenarios ->
        [one] { $scenarios } scenario
       *[other] { $scenarios } scenarios
    }, { $runs ->
        [one] { $runs } run
       *[other] { $runs } runs
    }{ $notes }: { $held } held, { $failed } failed, { $errors } did not complete
fleet-merge-report = report: { $path } (and report.md, junit.xml)
fleet-err-write = write the fleet report in { $dir }: { $error }
fleet-compare-node-gone = node { $node }: REGRESSION  in the baseline fleet, missing from the current one
