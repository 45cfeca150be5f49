//! A real browser for the HTML reports: Debian's Chromium, headless, with a fresh profile
//! for every page and nothing that reaches the network. [`Browser::check`] opens a report
//! the way a person would and says what they would see: its DOM after load, every console
//! message, a screenshot of the whole page, and how much of each chart's box is painted.
//!
//! The page is opened from a copy beside the report with one script added at its end,
//! which writes the box of every `<figure>` (and the page's height) into the DOM, so the
//! screenshot can be cut into charts. The report itself has no script at all: any console
//! message is a problem of the page (an asset that failed to load, a malformed SVG).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The width every page is laid out and photographed at.
pub const WIDTH: u32 = 1200;
/// The tallest screenshot taken (a report longer than this is cut).
const MAX_HEIGHT: u32 = 16000;

/// Where the screenshots go: `target/ci-artifacts/browser/` (CI keeps the folder).
pub fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/ci-artifacts/browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Headless Chromium.
pub struct Browser {
    exe: PathBuf,
}

/// The box of one `<figure>`'s chart on the page, in CSS pixels (= screenshot pixels).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// What a page showed.
#[derive(Debug)]
pub struct Page {
    /// The DOM after load, as `--dump-dom` prints it (with the added script's output).
    pub dom: String,
    /// Every console message, from either opening.
    pub console: Vec<String>,
    /// The screenshot.
    pub png: PathBuf,
    /// Each figure with the share of its box that is not background white.
    pub figures: Vec<(Figure, f64)>,
    /// The page's height in CSS pixels.
    pub height: u32,
    /// The page's width in CSS pixels: wider than [`WIDTH`] means it overflows sideways.
    pub width: u32,
}

impl Browser {
    /// The installed Chromium, if any (`/usr/bin/chromium`, else `chromium` on PATH).
    pub fn find() -> Option<Browser> {
        let exe = [PathBuf::from("/usr/bin/chromium")]
            .into_iter()
            .chain(std::env::var_os("PATH").into_iter().flat_map(|p| {
                std::env::split_paths(&p)
                    .map(|d| d.join("chromium"))
                    .collect::<Vec<_>>()
            }))
            .find(|p| p.is_file())?;
        Some(Browser { exe })
    }

    /// [`Browser::find`] for a test: skips with a printed reason when there is none, and
    /// fails instead under `LIMITLAB_REQUIRE_PRIVILEGED=1` (CI installs it).
    pub fn for_test(test: &str) -> Option<Browser> {
        match Browser::find() {
            Some(b) => Some(b),
            None if std::env::var("LIMITLAB_REQUIRE_PRIVILEGED").as_deref() == Ok("1") => {
                panic!(
                    "{test}: needs chromium (apt-get install chromium), and LIMITLAB_REQUIRE_PRIVILEGED=1 forbids skipping"
                )
            }
            None => {
                eprintln!(
                    "SKIPPED {test}: needs chromium (set LIMITLAB_REQUIRE_PRIVILEGED=1 to fail instead)"
                );
                None
            }
        }
    }

    /// Chromium with a fresh profile in `profile` and every background service off.
    fn command(&self, profile: &Path, height: u32) -> Command {
        let mut c = Command::new(&self.exe);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--window-size={WIDTH},{height}"))
        .arg(format!("--user-data-dir={}", profile.display()));
        c
    }

    /// Runs Chromium on `url` with `extra` arguments; (stdout, console messages).
    fn open(&self, url: &str, extra: &[String], height: u32) -> (String, Vec<String>) {
        let profile = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let out = self
            .command(profile.path(), height)
            .args(extra)
            .arg(url)
            .output()
            .expect("chromium starts");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "chromium {extra:?} {url} failed ({:?}) after {:?}: {stderr}",
            out.status,
            started.elapsed()
        );
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            console_messages(&stderr),
        )
    }

    /// Opens `html` and photographs it into `png`.
    pub fn check(&self, html: &Path, png: &Path) -> Page {
        let text = std::fs::read_to_string(html).unwrap();
        let copy = html.with_file_name(format!(
            ".browser-{}",
            html.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&copy, instrument(&text)).unwrap();
        let url = format!("file://{}", copy.display());
        let (dom, mut console) = self.open(&url, &["--dump-dom".into()], 900);
        let (figures, height, width) = boxes(&dom);
        let height = height.clamp(100, MAX_HEIGHT);
        let (_, more) = self.open(&url, &[format!("--screenshot={}", png.display())], height);
        console.extend(more);
        let _ = std::fs::remove_file(&copy);
        let shot = Shot::load(png);
        let figures = figures
            .into_iter()
            .map(|f| {
                let painted = shot.painted(&f);
                (f, painted)
            })
            .collect();
        Page {
            dom,
            console,
            png: png.to_path_buf(),
            figures,
            height,
            width,
        }
    }
}

/// The console messages in Chromium's log: `[...:INFO:CONSOLE:1] "text", source: ... (1)`.
pub fn console_messages(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(|l| l.to_string())
        .collect()
}

/// The script added at the end of the page: the box of each figure's chart and the page's
/// height, as JSON in `<pre id="limitlab-boxes">`.
const BOXES: &str = "<script>(function(){var r=[].map.call(document.querySelectorAll('figure'),function(f){var s=f.querySelector('svg')||f;var b=s.getBoundingClientRect();return {id:f.id,x:b.left+scrollX,y:b.top+scrollY,w:b.width,h:b.height};});var p=document.createElement('pre');p.id='limitlab-boxes';p.style.display='none';p.textContent=JSON.stringify({height:document.documentElement.scrollHeight,width:document.documentElement.scrollWidth,figures:r});document.body.appendChild(p);})();</script>";

fn instrument(html: &str) -> String {
    match html.rfind("</body>") {
        Some(at) => format!("{}{BOXES}{}", &html[..at], &html[at..]),
        None => format!("{html}{BOXES}"),
    }
}

fn boxes(dom: &str) -> (Vec<Figure>, u32, u32) {
    let start = dom
        .find("<pre id=\"limitlab-boxes\"")
        .unwrap_or_else(|| panic!("the page's script did not run: {dom}"));
    let json = &dom[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</pre>").unwrap()];
    let json = json.replace("&quot;", "\"").replace("&amp;", "&");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let figures = v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| Figure {
            id: f["id"].as_str().unwrap_or("").to_string(),
            x: f["x"].as_f64().unwrap(),
            y: f["y"].as_f64().unwrap(),
            w: f["w"].as_f64().unwrap(),
            h: f["h"].as_f64().unwrap(),
        })
        .collect();
    (
        figures,
        v["height"].as_f64().unwrap_or(0.0) as u32,
        v["width"].as_f64().unwrap_or(0.0) as u32,
    )
}

/// A decoded screenshot.
pub struct Shot {
    pub width: u32,
    pub height: u32,
    rgb: Vec<[u8; 3]>,
}

impl Shot {
    pub fn load(path: &Path) -> Shot {
        let decoder = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        ));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        let channels = info.color_type.samples();
        let rgb = buf[..info.buffer_size()]
            .chunks(channels)
            .map(|p| match channels {
                1 | 2 => [p[0], p[0], p[0]],
                _ => [p[0], p[1], p[2]],
            })
            .collect();
        Shot {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    /// The share of `f`'s box (inside the screenshot) that is not near-white.
    pub fn painted(&self, f: &Figure) -> f64 {
        let x0 = f.x.max(0.0) as u32;
        let y0 = f.y.max(0.0) as u32;
        let x1 = ((f.x + f.w) as u32).min(self.width);
        let y1 = ((f.y + f.h) as u32).min(self.height);
        if x1 <= x0 || y1 <= y0 {
            return 0.0;
        }
        let mut inked = 0u64;
        for y in y0..y1 {
            for x in x0..x1 {
                let [r, g, b] = self.rgb[(y * self.width + x) as usize];
                if r.min(g).min(b) < 235 {
                    inked += 1;
                }
            }
        }
        inked as f64 / ((x1 - x0) as f64 * (y1 - y0) as f64)
    }
}
