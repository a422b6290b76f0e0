//! C2SP tlog-policy: which logs and witnesses a verifier trusts, and which
//! sets of witness cosignatures make a checkpoint valid. `truce policy`
//! writes one from the genesis; `truce proof check --policy` applies one.

use std::collections::BTreeMap;

use signed_note::{Note, StandardVerifier, VerifierList};

use crate::{CosignatureVerifier, RecordError, SignedCheckpoint};

/// A threshold over witnesses and groups.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Member {
    Witness(usize),
    Group(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    name: String,
    threshold: usize,
    members: Vec<Member>,
}

/// A parsed policy file.
#[derive(Debug, Clone)]
pub struct Policy {
    logs: Vec<(String, Option<String>)>,
    witnesses: Vec<(String, CosignatureVerifier, String, Option<String>)>,
    groups: Vec<Group>,
    /// `None` for `quorum none`.
    quorum: Option<Member>,
}

fn bad(line: usize, why: impl Into<String>) -> RecordError {
    RecordError::Checkpoint(format!("policy line {line}: {}", why.into()))
}

impl Policy {
    /// The policy a Record's genesis implies: its node key, its witnesses,
    /// and a group of them with the genesis quorum as threshold.
    pub fn of_record(
        node_key: &str,
        log_url: Option<&str>,
        witnesses: &[(String, String)],
        quorum: u32,
        urls: &BTreeMap<String, String>,
    ) -> Result<Self, RecordError> {
        let mut text = format!("log {node_key}");
        if let Some(url) = log_url {
            text.push_str(&format!(" {url}"));
        }
        text.push('\n');
        for (name, key) in witnesses {
            text.push_str(&format!("witness {name} {key}"));
            if let Some(url) = urls.get(name) {
                text.push_str(&format!(" {url}"));
            }
            text.push('\n');
        }
        if quorum == 0 || witnesses.is_empty() {
            text.push_str("quorum none\n");
        } else {
            let names: Vec<&str> = witnesses.iter().map(|(n, _)| n.as_str()).collect();
            text.push_str(&format!("group guarantors {quorum} {}\n", names.join(" ")));
            text.push_str("quorum guarantors\n");
        }
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Self, RecordError> {
        let mut policy = Policy {
            logs: Vec::new(),
            witnesses: Vec::new(),
            groups: Vec::new(),
            quorum: None,
        };
        let mut names: BTreeMap<String, Member> = BTreeMap::new();
        let mut quorum_seen = false;
        for (i, raw) in text.lines().enumerate() {
            let number = i + 1;
            let line = raw.trim_matches([' ', '\t']);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
            match words.as_slice() {
                ["log", key, rest @ ..] if rest.len() <= 1 => {
                    StandardVerifier::new(key)
                        .map_err(|e| bad(number, format!("log key: {e:?}")))?;
                    if policy.logs.iter().any(|(k, _)| k == key) {
                        return Err(bad(number, "duplicate log"));
                    }
                    policy
                        .logs
                        .push((key.to_string(), rest.first().map(|u| u.to_string())));
                }
                ["witness", name, key, rest @ ..] if rest.len() <= 1 => {
                    if *name == "none" || names.contains_key(*name) {
                        return Err(bad(number, format!("the name {name} is taken")));
                    }
                    let verifier = CosignatureVerifier::new(key)?;
                    if policy.witnesses.iter().any(|(_, _, k, _)| k == key) {
                        return Err(bad(number, "duplicate witness key"));
                    }
                    names.insert(name.to_string(), Member::Witness(policy.witnesses.len()));
                    policy.witnesses.push((
                        name.to_string(),
                        verifier,
                        key.to_string(),
                        rest.first().map(|u| u.to_string()),
                    ));
                }
                ["group", name, threshold, members @ ..] if !members.is_empty() => {
                    if *name == "none" || names.contains_key(*name) {
                        return Err(bad(number, format!("the name {name} is taken")));
                    }
                    let members: Vec<Member> = members
                        .iter()
                        .map(|m| {
                            names
                                .get(*m)
                                .cloned()
                                .ok_or_else(|| bad(number, format!("{m} is not defined above")))
                        })
                        .collect::<Result<_, _>>()?;
                    let threshold = match *threshold {
                        "all" => members.len(),
                        "any" => 1,
                        n => n
                            .parse::<usize>()
                            .ok()
                            .filter(|k| (1..=members.len()).contains(k))
                            .ok_or_else(|| {
                                bad(number, "threshold must be all, any or 1 to the members")
                            })?,
                    };
                    names.insert(name.to_string(), Member::Group(policy.groups.len()));
                    policy.groups.push(Group {
                        name: name.to_string(),
                        threshold,
                        members,
                    });
                }
                ["quorum", name] => {
                    if quorum_seen {
                        return Err(bad(number, "a policy has exactly one quorum line"));
                    }
                    quorum_seen = true;
                    policy.quorum =
                        match *name {
                            "none" => None,
                            other => Some(names.get(other).cloned().ok_or_else(|| {
                                bad(number, format!("{other} is not defined above"))
                            })?),
                        };
                }
                _ => return Err(bad(number, format!("not a policy line: {line}"))),
            }
        }
        if !quorum_seen {
            return Err(RecordError::Checkpoint("policy: no quorum line".into()));
        }
        Ok(policy)
    }

    /// The logs' verifier keys.
    pub fn log_keys(&self) -> impl Iterator<Item = &str> {
        self.logs.iter().map(|(k, _)| k.as_str())
    }

    /// The policy as a file.
    pub fn render(&self) -> String {
        let mut text = String::new();
        for (key, url) in &self.logs {
            text.push_str(&format!(
                "log {key}{}\n",
                url.as_ref().map(|u| format!(" {u}")).unwrap_or_default()
            ));
        }
        for (name, _, key, url) in &self.witnesses {
            text.push_str(&format!(
                "witness {name} {key}{}\n",
                url.as_ref().map(|u| format!(" {u}")).unwrap_or_default()
            ));
        }
        let name_of = |m: &Member| match m {
            Member::Witness(i) => self.witnesses[*i].0.clone(),
            Member::Group(i) => self.groups[*i].name.clone(),
        };
        for group in &self.groups {
            let members: Vec<String> = group.members.iter().map(name_of).collect();
            text.push_str(&format!(
                "group {} {} {}\n",
                group.name,
                group.threshold,
                members.join(" ")
            ));
        }
        text.push_str(&format!(
            "quorum {}\n",
            self.quorum
                .as_ref()
                .map(name_of)
                .unwrap_or_else(|| "none".into())
        ));
        text
    }

    /// Checks `note`: signed by one of the policy's logs, and cosigned as
    /// its quorum requires. Returns the verified checkpoint and the names of
    /// the witnesses whose cosignatures verify.
    pub fn check(&self, note: &[u8]) -> Result<(SignedCheckpoint, Vec<String>), RecordError> {
        let checkpoint = self
            .logs
            .iter()
            .find_map(|(key, _)| SignedCheckpoint::verify(note, key).ok())
            .ok_or_else(|| RecordError::Checkpoint("not signed by a log of the policy".into()))?;
        let parsed = Note::from_bytes(note).map_err(|e| RecordError::Checkpoint(e.to_string()))?;
        let cosigned: Vec<bool> = self
            .witnesses
            .iter()
            .map(|(_, verifier, _, _)| {
                parsed
                    .verify(&VerifierList::new(vec![Box::new(verifier.clone())]))
                    .is_ok()
            })
            .collect();
        let names = self
            .witnesses
            .iter()
            .zip(&cosigned)
            .filter(|(_, ok)| **ok)
            .map(|((name, ..), _)| name.clone())
            .collect();
        if let Some(quorum) = &self.quorum {
            if !self.holds(quorum, &cosigned) {
                return Err(RecordError::Checkpoint(
                    "the witnesses' cosignatures do not meet the policy's quorum".into(),
                ));
            }
        }
        Ok((checkpoint, names))
    }

    fn holds(&self, member: &Member, cosigned: &[bool]) -> bool {
        match member {
            Member::Witness(i) => cosigned[*i],
            Member::Group(i) => {
                let group = &self.groups[*i];
                group
                    .members
                    .iter()
                    .filter(|m| self.holds(m, cosigned))
                    .count()
                    >= group.threshold
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CheckpointSigner, Cosigner, Hash};

    #[test]
    fn the_spec_example_shape_and_a_quorum_of_two() {
        let log = CheckpointSigner::generate("truce.test/log").unwrap();
        let witnesses: Vec<Cosigner> = ["x1", "x2", "x3", "y1"]
            .iter()
            .map(|n| Cosigner::generate(n).unwrap())
            .collect();
        let text = format!(
            "# a comment\nlog {}\nwitness X1 {}\nwitness X2 {}\n  witness X3 {}\ngroup X-witnesses 2 X1 X2 X3\nwitness Y1 {} https://y1.example/\ngroup Y-witnesses any Y1\ngroup X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n",
            log.verifier_key(),
            witnesses[0].verifier_key(),
            witnesses[1].verifier_key(),
            witnesses[2].verifier_key(),
            witnesses[3].verifier_key()
        );
        let policy = Policy::parse(&text).unwrap();
        let checkpoint = log.sign(5, Hash([1; 32])).unwrap();
        let with = |who: &[usize]| {
            let mut c = checkpoint.clone();
            for &i in who {
                c = c
                    .with_signature_line(&witnesses[i].cosign(&checkpoint, 1_800_000_000))
                    .unwrap();
            }
            c
        };
        assert!(policy.check(with(&[0, 1]).note()).is_err());
        let (_, names) = policy.check(with(&[0, 2, 3]).note()).unwrap();
        assert_eq!(names, ["X1", "X3", "Y1"]);
        assert_eq!(
            Policy::parse(&policy.render()).unwrap().render(),
            policy.render()
        );
        for broken in [
            "quorum X1\n".to_string(),
            format!("log {}\n", log.verifier_key()),
            format!(
                "witness none {}\nquorum none\n",
                witnesses[0].verifier_key()
            ),
            "quorum none\nquorum none\n".to_string(),
            format!(
                "witness A {}\ngroup G 3 A\nquorum G\n",
                witnesses[0].verifier_key()
            ),
        ] {
            assert!(Policy::parse(&broken).is_err(), "{broken}");
        }
    }
}
