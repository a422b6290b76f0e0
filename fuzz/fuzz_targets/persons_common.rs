// What follows reading a list: its check, then matching across
// transliterations (names normalised into keys), on small lists.
fn truce_fuzz_persons(list: &ListContents) {
    let _ = list.validate(2026);
    if list.persons.len() <= 16 {
        for person in &list.persons {
            let _ = truce_exchange::name_key(&person.name_arabic);
            let _ = truce_exchange::name_key(&person.name_latin);
        }
        let options = truce_exchange::MatchOptions::default();
        let _ = truce_exchange::match_persons(&list.persons, &list.persons, &options);
    }
}
