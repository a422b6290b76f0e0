//! Arbitrary bytes never make `read` or `extract` panic; bad inputs get the
//! error that names them; texts without events give no candidates.

use proptest::prelude::*;
use truce_extract::{extract, read, render_evidence, Document, ExtractError, Format, Language};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), hint in 0u8..5) {
        let format = [Format::Auto, Format::Text, Format::Html, Format::Rss, Format::Atom][hint as usize];
        if let Ok(docs) = read(&bytes, format) {
            for doc in docs {
                if let Ok(cands) = extract(&doc) {
                    let _ = render_evidence(&doc.text, &cands);
                }
            }
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,600}") {
        let doc = Document::new(text, Some(jiff::civil::date(2017, 5, 6)), None);
        if let Ok(cands) = extract(&doc) {
            let _ = render_evidence(&doc.text, &cands);
        }
    }

    #[test]
    fn bulletin_shaped_noise_never_panics(
        words in proptest::collection::vec(prop_oneof![
            Just("the"), Just("Russian"), Just("Turkish"), Just("side"), Just("registered"),
            Just("("), Just(")"), Just("7"), Just("cases"), Just("of"), Just("in"), Just("Latakia"),
            Just("Idlib"), Just("-"), Just(":"), Just("confirmed"), Just("not"), Just("by"),
            Just("."), Just("on"), Just("Saturday"), Just("killing"), Just("at least"), Just("dozens"),
            Just("4294967295"), Just("99999999999"), Just("May"), Just("31"), Just("\n\n"),
        ], 0..80)
    ) {
        let doc = Document::new(words.join(" "), Some(jiff::civil::date(2017, 5, 6)), None);
        let _ = extract(&doc);
    }

    /// The news reader of each table-driven language on noise made of its
    /// own words: numbers where dates and counts go, names at sentence ends,
    /// a month with no day, years out of range. No text may make the
    /// reader panic.
    #[test]
    fn news_shaped_noise_in_russian_arabic_and_turkish_never_panics(
        lang in 0usize..3,
        picks in proptest::collection::vec(0usize..64, 0..80),
    ) {
        const RU: &[&str] = &[
            "погибли", "восемь", "трое", "ранены", "обстрел", "авиаудар", "боевики", "сирийской",
            "армии", "по", "позициям", "запрещена", "в", "России", "Идлибе", "Алеппо", "7", "апреля",
            "2019", "накануне", "вторник", "не", "менее", "(", ")", "«", "»", ",", ".", "\n\n", "99999",
            "Хайят", "Тахрир", "аш-Шам", "агрессии", "зафиксировала", "Российская", "часть", "–",
        ];
        const AR: &[&str] = &[
            "مقتل", "ثمانية", "وأصيب", "12", "غارات", "قصف", "الجيش", "السوري", "على", "مواقع",
            "هيئة", "تحرير", "الشام", "المحظورة", "في", "روسيا", "إدلب", "حلب", "7", "نيسان", "أمس",
            "الأربعاء", "عدوان", "(3)", "،", ".", "\n\n", "4294967295", "كانون", "الثاني", "رصد",
            "الجانب", "الروسي", "انتهاكات",
        ];
        const TR: &[&str] = &[
            "sekiz", "kişi", "hayatını", "kaybetti", "yaralandı", "hava", "saldırısında", "rejim",
            "güçleri", "İdlib'de", "Halep'in", "'", "mevzilerine", "Rusya'da", "yasaklı", "14",
            "Nisan'da", "dün", "pazar", "günü", "kınadı", "en", "az", ".", ",", "\n\n", "99999999",
            "Rusya", "tarafı", "tespit", "etti",
        ];
        let words = [RU, AR, TR][lang];
        let text: Vec<&str> = picks.iter().map(|&i| words[i % words.len()]).collect();
        let doc = Document::new(text.join(" "), Some(jiff::civil::date(2017, 5, 6)), None);
        if let Ok(cands) = extract(&doc) {
            let _ = render_evidence(&doc.text, &cands);
        }
    }
}

/// Found by the extract fuzz target: a Turkish suffix after an apostrophe
/// ran over the next governorate's name ("İdlib'Halep"), two mentions
/// overlapped, and the gap between them was sliced backwards.
#[test]
fn a_turkish_suffix_running_into_the_next_name_does_not_panic() {
    for (bytes, format) in [
        (&b"Rus taraf\xc4\xb1 \xc4\xb0dlib'Halep tespit."[..], Format::Html),
        (
            "Rus tarafı son 24 saatte Halep ve İdlib'Halep ve İdlib'de yedi ateşkes ihlali tespit etti."
                .as_bytes(),
            Format::Text,
        ),
    ] {
        for doc in read(bytes, format).unwrap() {
            let cands = extract(&doc).unwrap();
            let _ = render_evidence(&doc.text, &cands);
        }
    }
}

#[test]
fn malformed_html_is_refused_by_name() {
    let err = read(
        b"<html><body><p>The Russian side<!-- unterminated",
        Format::Html,
    )
    .unwrap_err();
    assert!(matches!(err, ExtractError::MalformedHtml(_)), "{err}");
    assert!(err.to_string().starts_with("malformed HTML"));
}

#[test]
fn huge_input_is_refused() {
    let big = vec![b'x'; truce_extract::MAX_INPUT_BYTES + 1];
    assert!(matches!(
        read(&big, Format::Auto),
        Err(ExtractError::TooLarge { .. })
    ));
}

#[test]
fn binary_and_unknown_encoding_are_refused() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert!(matches!(
        read(png, Format::Auto),
        Err(ExtractError::Binary(_))
    ));
    let html = b"<html><head><meta charset=\"x-mac-klingon\"></head><body>hi</body></html>";
    assert_eq!(
        read(html, Format::Auto),
        Err(ExtractError::UnknownEncoding("x-mac-klingon".into()))
    );
}

#[test]
fn russian_arabic_and_turkish_bulletins_are_read_and_persian_is_named_not_guessed() {
    let cases = [
        ("За прошедшие сутки российской стороной зарегистрировано 7 обстрелов в провинции Латакия.", "ru", "russia", "SY-LA", 7),
        ("سجل الجانب الروسي خلال الساعات الماضية سبع حالات إطلاق نار في محافظة اللاذقية", "ar", "russia", "SY-LA", 7),
        ("Son 24 saatte Türk tarafı İdlib'de dört ateşkes ihlali kaydetti ve bu ihlaller onaylandı.", "tr", "turkey", "SY-ID", 4),
    ];
    for (text, code, side, governorate, count) in cases {
        let docs = read(text.as_bytes(), Format::Text).unwrap();
        assert_eq!(docs[0].language.code(), code);
        let cands = extract(&docs[0]).unwrap();
        assert_eq!(cands.len(), 1, "{code}: {cands:?}");
        let truce_extract::Candidate::BulletinCount(b) = &cands[0] else {
            panic!("{code}: a bulletin count");
        };
        assert_eq!(b.side.as_str(), side, "{code}");
        assert_eq!(b.total, Some(count), "{code}");
        assert_eq!(b.by_governorate.len(), 1, "{code}");
        assert_eq!(b.by_governorate[0].code, governorate, "{code}");
        assert_eq!(b.by_governorate[0].count, Some(count), "{code}");
    }
    let fa = "طرف روسیه در ۲۴ ساعت گذشته هفت مورد تیراندازی را در استان لاذقیه ثبت کرد";
    let docs = read(fa.as_bytes(), Format::Text).unwrap();
    assert_eq!(docs[0].language.code(), "fa");
    assert_eq!(
        extract(&docs[0]),
        Err(ExtractError::UnsupportedLanguage("fa".into()))
    );
    let en = read(
        b"The Turkish side registered 2 cases of firing in Idlib.",
        Format::Text,
    )
    .unwrap();
    assert_eq!(en[0].language, Language::En);
}

#[test]
fn texts_without_events_give_no_candidates() {
    for text in [
        "The municipality opened a new library in the old quarter, with reading rooms for children.",
        "Temperatures will stay between 18 and 24 degrees, forecasters expect, with light winds from the west.",
        "Prices of vegetables in the central market were stable this week, traders told reporters.",
    ] {
        let doc = Document::new(text, Some(jiff::civil::date(2017, 5, 6)), None);
        assert_eq!(extract(&doc).unwrap(), vec![], "{text}");
    }
}

#[test]
fn evidence_is_rendered_inline() {
    let doc = Document::new(
        "Over the past 24 hours the Russian side registered 3 cases of firing in Aleppo (3).",
        Some(jiff::civil::date(2017, 5, 6)),
        None,
    );
    let cands = extract(&doc).unwrap();
    let marked = render_evidence(&doc.text, &cands);
    assert_eq!(
        marked,
        "[[Over the past 24 hours|period]] the [[Russian|side]] side registered [[3 cases|total]] of [[firing|type:small_arms]] in [[Aleppo (3)|governorate:SY-HL]]."
    );
}

#[test]
fn feed_items_become_dated_documents() {
    let rss = br#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Bulletins</title>
<item><title>Daily bulletin</title><link>https://example.org/b/1</link>
<pubDate>Sat, 06 May 2017 10:00:00 +0300</pubDate>
<description>&lt;p&gt;Over the past 24 hours the Turkish side registered 2 cases of firing in Hama (2).&lt;/p&gt;</description></item>
</channel></rss>"#;
    let docs = read(rss, Format::Auto).unwrap();
    assert_eq!(docs.len(), 1);
    let cands = extract(&docs[0]).unwrap();
    let truce_extract::Candidate::BulletinCount(b) = &cands[0] else {
        panic!("expected a bulletin count, got {cands:?}");
    };
    assert_eq!(
        b.period.map(|p| p.start),
        Some(jiff::civil::date(2017, 5, 5))
    );
    assert_eq!(b.by_governorate[0].code, "SY-HM");
}

#[test]
fn non_ascii_between_side_and_verb_does_not_panic() {
    // A dash between the side and its verb once cut the clause inside a
    // multi-byte character.
    for text in [
        "The Russian — registered 3 cases of firing in Idlib (3).",
        "The Russian ——— x registered 3 cases in Idlib (3).",
        "Government forces shelled Hama a day after the talks in Astanä — on 3 May.",
    ] {
        let doc = Document::new(text, Some(jiff::civil::date(2017, 5, 6)), None);
        let _ = extract(&doc);
    }
}

/// The same bulletin with typographic dashes, quotes, spaces and
/// Arabic-Indic digits reads as with their ASCII spellings.
#[test]
fn typographic_variants_read_like_ascii() {
    let published = Some(jiff::civil::date(2020, 4, 14));
    let plain = "The Russian side registered 9 violations: \"Idlib\" - 5, Latakia - 4.";
    let fancy = "The Russian\u{a0}side registered \u{663} violations: \u{201c}Idlib\u{201d} \u{2013} 5, Latakia\u{202f}\u{2014} 4.";
    let fancy = fancy.replacen('\u{663}', "\u{669}", 1);
    let read = |text: &str| {
        let doc = Document::new(text, published, None);
        let cands = extract(&doc).expect("English");
        (doc.text.clone(), cands)
    };
    let (plain_text, plain_cands) = read(plain);
    let (fancy_text, fancy_cands) = read(&fancy);
    assert_eq!(fancy_text, plain_text);
    assert_eq!(fancy_cands, plain_cands);
    assert!(!plain_cands.is_empty());
}
