//! Reading a results folder back. The report stage needs nothing but these files, so
//! `limitlab report DIR` and `limitlab compare` work anywhere, long after the run.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::mpsc;

use anyhow::Context;

use crate::data::{Event, Sample};

use crate::record::{FORMAT_VERSION, RunRecord, Summary};
use crate::{Exit, coded};

/// Reads `summary.json`, refusing a results format this limitlab does not read.
pub fn summary(path: &Path) -> anyhow::Result<Summary> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        coded(
            Exit::BadInput,
            crate::t!(
                "results-cannot-read",
                path = path.display().to_string(),
                error = e.to_string()
            ),
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        coded(
            Exit::BadInput,
            format!("{} is not JSON: {e}", path.display()),
        )
    })?;
    of_value(value, &path.display().to_string())
}

/// A summary from its JSON, refusing a results format this limitlab does not read; `what`
/// names where it came from in errors (`summary.json`'s path, or `FILE:LINE`).
pub fn of_value(value: serde_json::Value, what: &str) -> anyhow::Result<Summary> {
    let format = value.get("format").and_then(|f| f.as_u64());
    if format != Some(u64::from(FORMAT_VERSION)) {
        let writer = value
            .get("limitlab_version")
            .and_then(|v| v.as_str())
            .unwrap_or("an unknown version");
        return Err(coded(
            Exit::BadInput,
            format!(
                "{what} holds results format {} (written by limitlab {writer}); this limitlab {} reads format {FORMAT_VERSION} only",
                format
                    .map(|f| f.to_string())
                    .unwrap_or_else(|| "none".into()),
                env!("CARGO_PKG_VERSION"),
            ),
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        coded(
            Exit::BadInput,
            format!("{what} does not hold a limitlab summary: {e}"),
        )
    })
}

/// Reads a file of JSON lines, one summary a line (what `limitlab run --format json`
/// prints, collected from many hosts, e.g. by `kubectl logs`). Lines that do not start with
/// `{` are log lines and skipped (their count is returned), as is a `[pod/NAME/container] `
/// prefix that `kubectl logs --prefix` puts before each line; a line that starts with `{`
/// must be a summary, and its error names `FILE:LINE`.
/// Each summary comes with its line number.
pub fn json_lines(path: &Path) -> anyhow::Result<(Vec<(usize, Summary)>, usize)> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        coded(
            Exit::BadInput,
            crate::t!(
                "results-cannot-read",
                path = path.display().to_string(),
                error = e.to_string()
            ),
        )
    })?;
    let mut out = Vec::new();
    let mut skipped = 0;
    for (i, line) in text.lines().enumerate() {
        let mut line = line.trim();
        if line.starts_with('[')
            && let Some((_, rest)) = line.split_once("] ")
        {
            line = rest.trim_start();
        }
        if line.is_empty() {
            continue;
        }
        if !line.starts_with('{') {
            skipped += 1;
            continue;
        }
        let what = format!("{}:{}", path.display(), i + 1);
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            coded(
                Exit::BadInput,
                format!("{what}: not a JSON line ({e}); each line must be one run's summary, as `limitlab run --format json` prints it"),
            )
        })?;
        out.push((i + 1, of_value(value, &what)?));
    }
    Ok((out, skipped))
}

/// Reads `samples.csv`.
pub fn samples(path: &Path) -> anyhow::Result<Vec<Sample>> {
    let mut out = Vec::new();
    for_each_sample(path, |s| out.push(s))?;
    Ok(out)
}

/// Reads `samples.csv` one row at a time, holding none: `f` gets every sample in order.
pub fn for_each_sample(path: &Path, mut f: impl FnMut(Sample)) -> anyhow::Result<()> {
    let file = File::open(path).with_context(|| format!("open {}", path.display()))?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(BufReader::with_capacity(1 << 20, file));
    // Columns are matched by name: a file from an earlier limitlab of the same results
    // format may lack newer columns (they read as empty), but every column must be known.
    let want = crate::data::stream::sample_header();
    let known: Vec<&str> = want.trim_end().split(',').collect();
    let headers = rdr.headers().cloned().unwrap_or_default();
    if headers.get(0) != Some("t_ms") {
        return Err(coded(
            Exit::BadInput,
            format!(
                "{} is not a samples file (no t_ms column first)",
                path.display()
            ),
        ));
    }
    if let Some(odd) = headers.iter().find(|h| !known.contains(h)) {
        return Err(coded(
            Exit::BadInput,
            format!(
                "{} has a column this limitlab does not know: {odd:?}",
                path.display()
            ),
        ));
    }
    // A file with every column in today's order (any this limitlab wrote) is read by
    // position, which skips matching 50-odd names on every row; others by name.
    let columns = headers.len();
    let by_name = (!headers.iter().eq(known.iter().copied())).then(|| headers.into_byte_record());
    // The file is cut into blocks of whole lines by one thread and its rows turned into
    // samples by two more, taking blocks in turn, so `f` still sees them in order; a few
    // blocks are in flight at most, so memory stays bounded. (No field of a sample holds a
    // newline, so a line is a row.)
    let mut file = File::open(path).with_context(|| format!("open {}", path.display()))?;
    file.seek(SeekFrom::Start(rdr.position().byte()))?;
    let (to_workers, from_reader): (Vec<_>, Vec<_>) =
        (0..PARSERS).map(|_| mpsc::sync_channel::<Block>(2)).unzip();
    let (to_main, from_workers): (Vec<_>, Vec<_>) = (0..PARSERS)
        .map(|_| mpsc::sync_channel::<Parsed>(2))
        .unzip();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut carry = Vec::new();
            for k in 0.. {
                let mut bytes = std::mem::take(&mut carry);
                let had = bytes.len();
                bytes.resize(had + BLOCK, 0);
                let n = match read_full(&mut file, &mut bytes[had..]) {
                    Ok(n) => n,
                    Err(e) => {
                        let _ = to_workers[k % PARSERS].send(Block::Failed(e));
                        return;
                    }
                };
                bytes.truncate(had + n);
                let last = n == 0;
                if !last {
                    // Whole lines only; the rest goes with the next block.
                    let cut = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                    carry = bytes.split_off(cut);
                }
                let block = Block::Rows {
                    first: k == 0,
                    bytes,
                };
                if to_workers[k % PARSERS].send(block).is_err() || last {
                    return;
                }
            }
        });
        for (input, output) in from_reader.into_iter().zip(to_main) {
            let by_name = by_name.as_ref();
            scope.spawn(move || {
                for block in input {
                    let parsed = match block {
                        Block::Rows { first, bytes } => parse_rows(&bytes, first, columns, by_name),
                        Block::Failed(e) => Parsed {
                            samples: Vec::new(),
                            error: Some((false, e.to_string())),
                        },
                    };
                    if output.send(parsed).is_err() {
                        break;
                    }
                }
            });
        }
        // Dropped when this closure returns, before the scope joins the threads: a worker
        // still sending after an early return then ends instead of waiting forever.
        let from_workers = from_workers;
        for k in 0.. {
            let Ok(parsed) = from_workers[k % PARSERS].recv() else {
                return Ok(());
            };
            parsed.samples.into_iter().for_each(&mut f);
            match parsed.error {
                None => {}
                // The last row of a run killed mid-write may be cut short; everything before
                // it counts.
                Some((false, _)) => return Ok(()),
                Some((true, e)) => {
                    return Err(coded(
                        Exit::BadInput,
                        format!("{}: row 2: {e}", path.display()),
                    ));
                }
            }
        }
        Ok(())
    })
}

/// Bytes per block, and threads turning rows into samples, in [`for_each_sample`].
const BLOCK: usize = 1 << 20;
const PARSERS: usize = 2;

/// Whole lines of `samples.csv`; `first`: the block the rows begin with.
enum Block {
    Rows { first: bool, bytes: Vec<u8> },
    Failed(std::io::Error),
}

/// A block turned into samples, up to the first row that is not one; `error` says whether
/// that was the file's first row, and why.
struct Parsed {
    samples: Vec<Sample>,
    error: Option<(bool, String)>,
}

/// The samples of a block of whole rows, each of `columns` fields (a row of another length
/// ends them, as a reader of the whole file would refuse it).
fn parse_rows(
    bytes: &[u8],
    first: bool,
    columns: usize,
    by_name: Option<&csv::ByteRecord>,
) -> Parsed {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut row = csv::ByteRecord::new();
    let mut samples = Vec::with_capacity(bytes.len() / 128);
    let mut error = None;
    loop {
        let at_first = first && samples.is_empty();
        match rdr.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) if row.len() != columns => {
                error = Some((
                    at_first,
                    format!(
                        "found a row of {} fields, the header has {columns}",
                        row.len()
                    ),
                ));
                break;
            }
            Ok(true) => match row.deserialize::<Sample>(by_name) {
                Ok(s) => samples.push(s),
                Err(e) => {
                    error = Some((at_first, e.to_string()));
                    break;
                }
            },
            Err(e) => {
                error = Some((at_first, e.to_string()));
                break;
            }
        }
    }
    Parsed { samples, error }
}

/// Reads until `buf` is full or the file ends; how many bytes were read.
fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Where the samples of `samples.csv` lie in time, read from the file's first row and its
/// last complete one (the file is not read through): what lays out a chart's time axis
/// before the pass that draws it. Only a guess: a damaged row in the middle ends the samples
/// earlier (see [`for_each_sample`]); the count is not known.
pub fn sample_span_guess(path: &Path) -> crate::report::charts::SampleSpan {
    let t_of = |line: &[u8]| -> Option<f64> {
        let field = line.split(|&b| b == b',').next()?;
        std::str::from_utf8(field).ok()?.trim().parse().ok()
    };
    let mut span = crate::report::charts::SampleSpan::default();
    let Ok(mut file) = File::open(path) else {
        return span;
    };
    let mut head = vec![0u8; 64 * 1024];
    let n = file.read(&mut head).unwrap_or(0);
    head.truncate(n);
    let mut lines = head.split(|&b| b == b'\n');
    span.first_t_ms = lines.nth(1).and_then(t_of);
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut tail = vec![0u8; (64 * 1024).min(len as usize)];
    if file.seek(SeekFrom::Start(len - tail.len() as u64)).is_ok()
        && file.read_exact(&mut tail).is_ok()
    {
        // The last line that ends with a newline: a row cut short has none.
        let complete = tail.rsplitn(2, |&b| b == b'\n').nth(1).unwrap_or_default();
        span.last_t_ms = complete.rsplit(|&b| b == b'\n').next().and_then(t_of);
    }
    span
}

/// Reads `events.csv`.
pub fn events(path: &Path) -> anyhow::Result<Vec<Event>> {
    let file = File::open(path).with_context(|| format!("open {}", path.display()))?;
    csv::Reader::from_reader(BufReader::new(file))
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|e| coded(Exit::BadInput, format!("{}: {e}", path.display())))
}

/// Reads a run's results folder: its summary and the record it was computed from.
pub fn run(dir: &Path) -> anyhow::Result<(Summary, RunRecord)> {
    let summary = summary(&dir.join("summary.json"))?;
    let record = RunRecord::from_parts(
        &summary,
        samples(&dir.join("samples.csv"))?,
        events(&dir.join("events.csv"))?,
    );
    Ok((summary, record))
}
