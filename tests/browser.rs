//! The demo's `report.html` in a real browser: headless Chromium (Debian's
//! `chromium` package) opens it from disk, and the rendered DOM holds every
//! section, and a phone-width screenshot is not blank.
//!
//! Ignored by a plain `cargo test` (a machine without Chromium stays green);
//! `.ci/run` installs Chromium and runs it explicitly:
//! `cargo test --locked --test browser -- --ignored`.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use pollbot::i18n::{self, Language};

/// Longest a Chromium run may take before the test gives up on it.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs headless Chromium on `page` with `extra` arguments and a fresh
/// profile, offline in every way it offers; returns its output.
fn chromium(page: &Path, extra: &[String]) -> Output {
    let profile = tempfile::tempdir().unwrap();
    let mut command = Command::new("chromium");
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .expect("chromium runs (apt-get install chromium)");
    // Read its output while it runs, so that a full pipe cannot block it.
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).map(|_| bytes)
        })
    };
    let (stdout, stderr) = (read(Box::new(stdout)), read(Box::new(stderr)));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            panic!("chromium took more than {CHROMIUM_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: stdout.join().unwrap().unwrap(),
        stderr: stderr.join().unwrap().unwrap(),
    }
}

/// Decodes a PNG screenshot into (width, height, RGBA-or-RGB pixels,
/// bytes per pixel).
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>, usize) {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    buf.truncate(info.buffer_size());
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected colour type {other:?}"),
    };
    (info.width, info.height, buf, channels)
}

fn the_demo_report_renders_in(language: Language) {
    let out = tempfile::tempdir().unwrap();
    pollbot::cli::demo_in(out.path(), language).unwrap();
    let page = out.path().join("report.html");

    let dump = chromium(&page, &["--dump-dom".to_owned()]);
    assert!(
        dump.status.success(),
        "chromium --dump-dom failed: {}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let dom = String::from_utf8(dump.stdout).unwrap();
    assert!(dom.contains(&format!("<html lang=\"{}\">", language.code())));
    for section in [
        "header",
        "headline",
        "tally",
        "options",
        "timeline",
        "methodology",
        "profile",
    ] {
        assert!(
            dom.contains(&format!("id=\"{section}\"")),
            "no {section} section in the rendered page"
        );
    }
    for key in [
        "report-section-headline",
        "report-section-tally",
        "report-section-options",
        "report-section-timeline",
        "report-section-methodology",
        "report-section-profile",
        "report-method-changers",
        "report-profile-rule",
    ] {
        // As a browser serializes text: only &, < and > escaped.
        let text = i18n::text(language, key)
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(dom.contains(&text), "{key} ({text:?}) is not on the page");
    }
    for option in 1..=4 {
        assert!(dom.contains(&format!("id=\"option-{option}\"")));
    }
    // The three charts, inline; the full text of a comment; the chat title.
    assert_eq!(dom.matches("<img src=\"data:image/png;base64,").count(), 3);
    assert!(dom.contains(
        "Military, because a hotline between the two defence ministries prevents accidents at sea."
    ));
    assert!(dom.contains("粮食安全是根本，没有稳定的粮食供应，其他合作都无从谈起。"));
    assert!(dom.contains(pollbot::demo::CHAT_TITLE));
    assert!(dom.contains("&lt;5"), "the profile hides a small cell");

    let shot_dir = tempfile::tempdir().unwrap();
    let shot = shot_dir.path().join("report.png");
    let screenshot = chromium(
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=400,2000".to_owned(),
            "--hide-scrollbars".to_owned(),
        ],
    );
    assert!(
        screenshot.status.success(),
        "chromium --screenshot failed: {}",
        String::from_utf8_lossy(&screenshot.stderr)
    );
    let bytes = std::fs::read(&shot).expect("a screenshot file");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (width, height, pixels, channels) = decode(&bytes);
    assert_eq!((width, height), (400, 2000));
    let mut colours = std::collections::HashSet::new();
    let mut dark = 0usize;
    for pixel in pixels.chunks(channels) {
        colours.insert([pixel[0], pixel[1], pixel[2]]);
        if pixel[..3].iter().map(|&c| u32::from(c)).sum::<u32>() < 3 * 128 {
            dark += 1;
        }
    }
    let total = (width * height) as usize;
    // Text, charts and backgrounds: hundreds of colours, and a few percent
    // of the page dark (text), not a blank or one-colour page.
    assert!(colours.len() > 200, "only {} colours", colours.len());
    assert!(dark * 100 > total, "only {dark} dark pixels of {total}");
    assert!(
        dark * 2 < total,
        "{dark} dark pixels of {total}: not a page"
    );
    if let Ok(dir) = std::env::var("POLLBOT_KEEP_SCREENSHOTS") {
        let name = format!("report-{}.png", language.code());
        std::fs::copy(&shot, Path::new(&dir).join(name)).unwrap();
    }
}

#[test]
#[ignore = "needs Debian's chromium; .ci/run runs it explicitly"]
fn the_demo_report_renders_in_chromium_in_english() {
    the_demo_report_renders_in(Language::English);
}

#[test]
#[ignore = "needs Debian's chromium; .ci/run runs it explicitly"]
fn the_demo_report_renders_in_chromium_in_chinese() {
    the_demo_report_renders_in(Language::Chinese);
}
