//! How long rendering takes: the largest note of the corpora (from `ENGRAM_CORPORA`) and a
//! generated 1 MB note, at width 100, plus a cached lookup as the browser does it per frame; then
//! a generated 30 MB note, rendered in parts: split once, every part rendered, and the browser
//! paging through it from the first line to the last.
//!
//! Run with `ENGRAM_CORPORA=../shared/corpora cargo bench --bench render`.

use std::path::Path;
use std::time::{Duration, Instant};

use engram::app::{Action, App, Options};
use engram::commands::Loaded;
use engram::graph::Graph;
use engram::render::{self, RenderCache, RenderOptions};
use engram::vault::Vault;

const WIDTH: u16 = 100;

/// A generated note of at least `bytes` bytes mixing every construct the renderer draws.
fn generated_note(bytes: usize) -> String {
    let mut s = String::from("---\ntitle: Generated\ntags: [bench, big]\n---\n\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "## Section {i}\n\nParagraph {i} with [[target_{i} | a display text]], [[missing {i}]], \
             **bold**, *italic*, ==highlight==, `code`, $x^{i}$ and a #tag/{i}. Some more words to \
             wrap over several rows of the terminal, with an <a class=\"yt-timestamp\" \
             data-t=\"00:0{d}:00\">[00:0{d}:00]</a> timestamp and a footnote[^f{i}].\n\n\
             > [!tip]- Callout {i}\n> Body with [[link {i}#Heading]] and more text.\n\n\
             - item one\n- [ ] task two\n  - nested [[x]]\n- [?] custom\n\n\
             | a | b |\n|:--|--:|\n| cell {i} | [[y\\|z]] |\n\n\
             ```rust\nfn f{i}() -> u32 {{ {i} }}\n```\n\n[^f{i}]: Footnote {i}.\n\n",
            d = i % 10
        ));
        i += 1;
    }
    s
}

/// Renders `note` `iters` times; returns the mean time.
fn time(v: &Vault, g: &Graph, note: usize, iters: u32) -> (Duration, usize) {
    let opts = RenderOptions::new(WIDTH);
    let mut rows = 0;
    let started = Instant::now();
    for _ in 0..iters {
        rows = render::render(v, g, note, &opts).lines.len();
    }
    (started.elapsed() / iters, rows)
}

fn row(name: &str, bytes: usize, (d, rows): (Duration, usize)) {
    println!(
        "{name:<48} {:>9} {:>7} {:>10.2}",
        bytes,
        rows,
        d.as_secs_f64() * 1000.0
    );
}

fn main() {
    println!("width {WIDTH}");
    println!(
        "{:<48} {:>9} {:>7} {:>10}",
        "note", "bytes", "rows", "ms/render"
    );
    if let Ok(root) = std::env::var("ENGRAM_CORPORA") {
        let mut best: Option<(Vault, usize)> = None;
        for corpus in ["hubermanlab", "obsidian-tasks-docs"] {
            let Ok(v) = Vault::load(&Path::new(&root).join(corpus)) else {
                continue;
            };
            let Some((i, n)) = v.notes.iter().enumerate().max_by_key(|(_, n)| n.size) else {
                continue;
            };
            if best
                .as_ref()
                .is_none_or(|(bv, bi)| bv.notes[*bi].size < n.size)
            {
                best = Some((v, i));
            }
        }
        if let Some((v, i)) = best {
            let g = Graph::build(&v);
            let name = format!("largest corpus note: {}", v.notes[i].path);
            row(&name, v.notes[i].size as usize, time(&v, &g, i, 20));
        }
    } else {
        println!("(ENGRAM_CORPORA is not set: the corpus note is skipped)");
    }
    let text = generated_note(1 << 20);
    let bytes = text.len();
    let v = Vault::from_files([("big.md", text)]);
    let g = Graph::build(&v);
    row("generated 1 MB note", bytes, time(&v, &g, 0, 3));

    // Per frame the browser asks its cache, which renders once per (note, width): the first frame
    // pays for the rendering, the others for a lookup.
    let mut cache = RenderCache::default();
    let opts = RenderOptions::new(WIDTH);
    let started = Instant::now();
    let rows = cache.get(&v, &g, 0, &opts).lines.len();
    let first = started.elapsed();
    let frames = 10_000;
    let started = Instant::now();
    for _ in 0..frames {
        std::hint::black_box(cache.get(&v, &g, 0, &opts).lines.len());
    }
    let per_frame = started.elapsed() / frames;
    row(
        "1 MB note through RenderCache, first frame",
        bytes,
        (first, rows),
    );
    println!(
        "{:<48} {:>9} {:>7} {:>10.6}",
        "1 MB note through RenderCache, later frames",
        bytes,
        rows,
        per_frame.as_secs_f64() * 1000.0
    );
    large_note();
}

/// The 30 MB note: split once, each part rendered on its own, and the browser paging from `g` to
/// `G`, one page down at a time, on a 120x40 terminal.
fn large_note() {
    let dir = std::env::temp_dir().join(format!("engram-bench-large-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let text = generated_note(30 << 20);
    let bytes = text.len();
    if let Err(e) = std::fs::write(dir.join("large.md"), &text) {
        println!("(could not write the 30 MB note: {e})");
        return;
    }
    drop(text);
    let Ok(v) = Vault::load(&dir) else {
        println!("(could not load the 30 MB note)");
        return;
    };
    let g = Graph::build(&v);
    let opts = RenderOptions::new(WIDTH);
    let started = Instant::now();
    let Some(parts) = render::split_note(&v, 0) else {
        println!("(the 30 MB note was not split)");
        return;
    };
    let split = started.elapsed();
    let started = Instant::now();
    let text = v.read_text(0).unwrap_or_default();
    let read = started.elapsed();
    let mut times = Vec::new();
    let mut rows = 0;
    for part in parts.iter() {
        let started = Instant::now();
        rows += render::render_part(&v, &g, 0, &text, part, &opts)
            .lines
            .len();
        times.push(started.elapsed());
    }
    drop(text);
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().sum::<Duration>() / times.len().max(1) as u32;
    println!();
    println!(
        "30 MB note ({bytes} bytes, {} parts of at most {} KB, {rows} rows at width {WIDTH}):",
        parts.len(),
        render::PART_BYTES >> 10
    );
    println!(
        "  read and split once                 {:>9.1} ms",
        ms(split)
    );
    println!(
        "  read the text again (per page built) {:>8.1} ms",
        ms(read)
    );
    println!(
        "  render one part: mean {:.1} ms, median {:.1} ms, max {:.1} ms",
        ms(mean),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );

    let loaded = Loaded::new(v);
    let started = Instant::now();
    let mut app = App::new(
        loaded,
        Options {
            open: Some(0),
            size: (120, 40),
            ..Options::default()
        },
    );
    let open = started.elapsed();
    let mut keys = Vec::new();
    let mut held = 0;
    let started = Instant::now();
    loop {
        let before = app.view().map(|v| (v.part, v.top));
        let t = Instant::now();
        app.update(Action::PageDown);
        keys.push(t.elapsed());
        held = held.max(app.page().map_or(0, |p| p.rendered.lines.len()));
        if app.view().map(|v| (v.part, v.top)) == before {
            break;
        }
    }
    let scroll = started.elapsed();
    let at_end = app
        .page()
        .and_then(|p| p.held.as_ref())
        .is_some_and(|h| h.end() == h.parts.len());
    println!("  browser: paging reached the last part: {at_end}");
    let t = Instant::now();
    app.update(Action::Top);
    let top = t.elapsed();
    let t = Instant::now();
    app.update(Action::Bottom);
    let bottom = t.elapsed();
    keys.sort();
    println!(
        "  browser: open at the first line      {:>8.1} ms",
        ms(open)
    );
    println!(
        "  browser: {} page downs to the last line in {:.1} s: median {:.3} ms, max {:.1} ms; \
         at most {held} rows held",
        keys.len(),
        scroll.as_secs_f64(),
        ms(keys[keys.len() / 2]),
        ms(keys[keys.len() - 1])
    );
    println!(
        "  browser: g from the end {:.1} ms, G from the top {:.1} ms",
        ms(top),
        ms(bottom)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
