//! The bulletin's words in each of the mechanism's languages. The figures,
//! names and codes are the same in every language; only the sentences
//! around them change, so every node writes byte-identical bulletins in
//! each language.

/// A language the bulletin is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    En,
    Ru,
    Tr,
    Fa,
    Ar,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::En,
        Language::Ru,
        Language::Tr,
        Language::Fa,
        Language::Ar,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ru => "ru",
            Language::Tr => "tr",
            Language::Fa => "fa",
            Language::Ar => "ar",
        }
    }
}

impl std::str::FromStr for Language {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Language::ALL
            .into_iter()
            .find(|l| l.as_str() == text)
            .ok_or_else(|| {
                let known: Vec<&str> = Language::ALL.iter().map(|l| l.as_str()).collect();
                format!("one of {}", known.join(", "))
            })
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The sentences, in one language. Languages whose nouns change with the
/// number (Russian, Arabic) put the number after a colon, so that one form
/// reads right for any count.
pub(crate) struct Words(pub Language);

impl Words {
    pub fn heading(&self, mechanism: &str, from: &str, to: &str, internal: bool) -> String {
        use Language::*;
        let period = match (from == to, self.0) {
            (true, _) => from.to_string(),
            (false, En) => format!("{from} to {to}"),
            (false, Ru) => format!("с {from} по {to}"),
            (false, Tr) => format!("{from} – {to}"),
            (false, Fa) => format!("{from} تا {to}"),
            (false, Ar) => format!("من {from} إلى {to}"),
        };
        let edition = match (internal, self.0) {
            (true, En) => "internal edition",
            (false, En) => "public edition",
            (true, Ru) => "внутренний выпуск",
            (false, Ru) => "публичный выпуск",
            (true, Tr) => "iç sürüm",
            (false, Tr) => "kamuya açık sürüm",
            (true, Fa) => "نسخهٔ داخلی",
            (false, Fa) => "نسخهٔ عمومی",
            (true, Ar) => "الإصدار الداخلي",
            (false, Ar) => "الإصدار العام",
        };
        match self.0 {
            En => format!("{mechanism} — bulletin for {period} ({edition})"),
            Ru => format!("{mechanism} — бюллетень за {period} ({edition})"),
            Tr => format!("{mechanism} — {period} bülteni ({edition})"),
            Fa => format!("{mechanism} — بولتن {period} ({edition})"),
            Ar => format!("{mechanism} — نشرة {period} ({edition})"),
        }
    }

    pub fn registered_none(&self, party: &str) -> String {
        match self.0 {
            Language::En => format!("{party} registered no violations."),
            Language::Ru => format!("{party}: нарушений не зарегистрировано."),
            Language::Tr => format!("{party} hiç ihlal kaydetmedi."),
            Language::Fa => format!("{party} هیچ نقضی ثبت نکرد."),
            Language::Ar => format!("{party}: لم تُسجَّل أي خروقات."),
        }
    }

    pub fn registered(&self, party: &str, n: usize, places: &[String]) -> String {
        let list = places.join(", ");
        match self.0 {
            Language::En => {
                let provinces = if places.len() == 1 {
                    "the province of"
                } else {
                    "the provinces of"
                };
                format!(
                    "{party} registered {} in {provinces} {list}.",
                    plural(n, "violation", "violations")
                )
            }
            Language::Ru => format!("{party}: зарегистрировано нарушений: {n}; мухафазы: {list}."),
            Language::Tr => format!("{party} {n} ihlal kaydetti: {list}."),
            Language::Fa => format!("{party} {n} نقض ثبت کرد: {}.", places.join("، ")),
            Language::Ar => format!("{party}: سُجّلت خروقات عددها {n} في: {}.", places.join("، ")),
        }
    }

    pub fn confirmed_by(&self, other: &str, n: usize) -> String {
        match self.0 {
            Language::En => format!(" {other} confirmed {n}."),
            Language::Ru => format!(" Подтверждено стороной {other}: {n}."),
            Language::Tr => format!(" {other} bunlardan {n} tanesini teyit etti."),
            Language::Fa => format!(" {other} {n} مورد را تأیید کرد."),
            Language::Ar => format!(" أكّدت {other} منها: {n}."),
        }
    }

    pub fn findings(
        &self,
        confirmed: usize,
        attributed: Option<String>,
        not: usize,
        excluded: Option<String>,
        unconfirmed: usize,
    ) -> String {
        let attributed = attributed.map(|a| format!(" ({a})")).unwrap_or_default();
        match self.0 {
            Language::En => {
                let excluded = excluded
                    .map(|x| {
                        format!(" (the fire targeted groups excluded from the ceasefire: {x})")
                    })
                    .unwrap_or_default();
                format!(
                    "Findings: {}{attributed}; {} not a violation{excluded}; {} could not be confirmed.",
                    plural(confirmed, "confirmed violation", "confirmed violations"),
                    plural(not, "case", "cases"),
                    plural(unconfirmed, "case", "cases"),
                )
            }
            Language::Ru => {
                let excluded = excluded
                    .map(|x| format!(" (огонь вёлся по группам, исключённым из режима прекращения огня: {x})"))
                    .unwrap_or_default();
                format!("Заключения: подтверждённых нарушений: {confirmed}{attributed}; не нарушение: {not}{excluded}; не удалось подтвердить: {unconfirmed}.")
            }
            Language::Tr => {
                let excluded = excluded
                    .map(|x| format!(" (ateş, ateşkes dışında tutulan gruplara yönelikti: {x})"))
                    .unwrap_or_default();
                format!("Tespitler: {confirmed} teyit edilmiş ihlal{attributed}; {not} vaka ihlal değil{excluded}; {unconfirmed} vaka teyit edilemedi.")
            }
            Language::Fa => {
                let excluded = excluded
                    .map(|x| format!(" (آتش به سوی گروه‌های مستثنا از آتش‌بس بود: {x})"))
                    .unwrap_or_default();
                format!("یافته‌ها: {confirmed} نقض تأییدشده{attributed}؛ {not} مورد نقض نیست{excluded}؛ {unconfirmed} مورد تأیید نشد.")
            }
            Language::Ar => {
                let excluded = excluded
                    .map(|x| format!(" (استهدفت النيران جماعات مستثناة من وقف إطلاق النار: {x})"))
                    .unwrap_or_default();
                format!("الاستنتاجات: خروقات مؤكدة: {confirmed}{attributed}؛ ليست خرقًا: {not}{excluded}؛ تعذّر تأكيدها: {unconfirmed}.")
            }
        }
    }

    pub fn formations(&self, joined: usize, excluded: usize, suspended: usize) -> String {
        match self.0 {
            Language::En => format!("Formations: {joined} in the ceasefire regime, {excluded} excluded, {suspended} suspended."),
            Language::Ru => format!("Формирования: в режиме прекращения огня: {joined}, исключено: {excluded}, приостановлено: {suspended}."),
            Language::Tr => format!("Oluşumlar: ateşkes rejiminde {joined}, rejim dışında {excluded}, askıya alınmış {suspended}."),
            Language::Fa => format!("گروه‌ها: {joined} در رژیم آتش‌بس، {excluded} مستثنا، {suspended} معلق."),
            Language::Ar => format!("التشكيلات: ضمن نظام وقف إطلاق النار: {joined}، مستثناة: {excluded}، معلّقة: {suspended}."),
        }
    }

    pub fn reports(&self) -> &'static str {
        match self.0 {
            Language::En => "Reports:",
            Language::Ru => "Сообщения:",
            Language::Tr => "Raporlar:",
            Language::Fa => "گزارش‌ها:",
            Language::Ar => "البلاغات:",
        }
    }

    /// A finding as the register labels it ("confirmed violation", …).
    pub fn finding<'a>(&self, label: &'a str) -> &'a str {
        let i = match label {
            "confirmed violation" => 0,
            "not a violation" => 1,
            "unconfirmed" => 2,
            _ => return label,
        };
        match self.0 {
            Language::En => label,
            Language::Ru => [
                "подтверждённое нарушение",
                "не нарушение",
                "не подтверждено",
            ][i],
            Language::Tr => ["teyit edilmiş ihlal", "ihlal değil", "teyit edilmedi"][i],
            Language::Fa => ["نقض تأییدشده", "نقض نیست", "تأییدنشده"][i],
            Language::Ar => ["خرق مؤكَّد", "ليس خرقًا", "غير مؤكَّد"][i],
        }
    }

    /// A violation type by its code ("shelling", …).
    pub fn violation_type<'a>(&self, code: &'a str) -> &'a str {
        const CODES: [&str; 9] = [
            "shelling",
            "air_strike",
            "ground_assault",
            "small_arms",
            "ied",
            "forces_movement",
            "obstruction",
            "detention_abduction",
            "other",
        ];
        let Some(i) = CODES.iter().position(|c| *c == code) else {
            return code;
        };
        let names: [&'static str; 9] = match self.0 {
            Language::En => return code,
            Language::Ru => [
                "обстрел",
                "авиаудар",
                "наземное наступление",
                "огонь из стрелкового оружия",
                "самодельное взрывное устройство",
                "передвижение сил",
                "препятствование наблюдателям",
                "задержание или похищение",
                "другое",
            ],
            Language::Tr => [
                "topçu atışı",
                "hava saldırısı",
                "kara saldırısı",
                "hafif silah ateşi",
                "el yapımı patlayıcı",
                "kuvvet hareketi",
                "gözlemcilerin engellenmesi",
                "gözaltı veya kaçırma",
                "diğer",
            ],
            Language::Fa => [
                "گلوله‌باران",
                "حملهٔ هوایی",
                "حملهٔ زمینی",
                "تیراندازی با جنگ‌افزار سبک",
                "بمب دست‌ساز",
                "جابه‌جایی نیروها",
                "ممانعت از کار ناظران",
                "بازداشت یا آدم‌ربایی",
                "سایر",
            ],
            Language::Ar => [
                "قصف مدفعي",
                "غارة جوية",
                "هجوم بري",
                "إطلاق نار بأسلحة خفيفة",
                "عبوة ناسفة",
                "تحريك قوات",
                "عرقلة عمل المراقبين",
                "احتجاز أو اختطاف",
                "أخرى",
            ],
        };
        names[i]
    }

    pub fn cites(&self, clause: &str) -> String {
        match self.0 {
            Language::En => format!("cites {clause}"),
            Language::Ru => format!("ссылается на {clause}"),
            Language::Tr => format!("dayandığı madde: {clause}"),
            Language::Fa => format!("استناد به {clause}"),
            Language::Ar => format!("يستند إلى {clause}"),
        }
    }

    pub fn measure_adopted(&self, step: &str, formation: &str, decision: &str, by: &str) -> String {
        match self.0 {
            Language::En => {
                format!("Measure adopted: {step} for {formation} ({decision}), to comply by {by}.")
            }
            Language::Ru => format!(
                "Принята мера: {step} в отношении {formation} ({decision}), выполнить до {by}."
            ),
            Language::Tr => format!(
                "Kabul edilen tedbir: {formation} için {step} ({decision}), uyum tarihi {by}."
            ),
            Language::Fa => {
                format!("اقدام تصویب‌شده: {step} برای {formation} ({decision})، مهلت پایبندی {by}.")
            }
            Language::Ar => {
                format!("تدبير معتمد: {step} بحق {formation} ({decision})، الامتثال قبل {by}.")
            }
        }
    }

    pub fn measure_pending(&self, step: &str, formation: &str, decision: &str) -> String {
        match self.0 {
            Language::En => format!("Measure pending: {step} for {formation} ({decision})."),
            Language::Ru => {
                format!("Мера на рассмотрении: {step} в отношении {formation} ({decision}).")
            }
            Language::Tr => format!("Bekleyen tedbir: {formation} için {step} ({decision})."),
            Language::Fa => format!("اقدام در انتظار: {step} برای {formation} ({decision})."),
            Language::Ar => format!("تدبير قيد النظر: {step} بحق {formation} ({decision})."),
        }
    }

    /// `outcome`: 0 complied, 1 partly, 2 did not.
    pub fn compliance(
        &self,
        party: &str,
        formation: &str,
        outcome: u8,
        step: &str,
        decision: &str,
    ) -> String {
        match self.0 {
            Language::En => {
                let outcome = [
                    "complied with",
                    "partly complied with",
                    "did not comply with",
                ][usize::from(outcome)];
                format!("{party} recorded that {formation} {outcome} the {step} ({decision}).")
            }
            Language::Ru => {
                let outcome =
                    ["выполнило", "частично выполнило", "не выполнило"][usize::from(outcome)];
                format!("{party} отметила: {formation} {outcome} меру {step} ({decision}).")
            }
            Language::Tr => {
                let outcome = ["uydu", "kısmen uydu", "uymadı"][usize::from(outcome)];
                format!("{party} kaydetti: {formation}, {step} tedbirine {outcome} ({decision}).")
            }
            Language::Fa => {
                let outcome = ["پایبند ماند", "تا اندازه‌ای پایبند ماند", "پایبند نماند"]
                    [usize::from(outcome)];
                format!("{party} ثبت کرد که {formation} به {step} {outcome} ({decision}).")
            }
            Language::Ar => {
                let outcome = ["امتثل", "امتثل جزئيًا", "لم يمتثل"][usize::from(outcome)];
                format!("سجّلت {party} أن {formation} {outcome} للتدبير {step} ({decision}).")
            }
        }
    }

    /// Requests for clarification at the period's end: `answered` counts
    /// the late ones too.
    pub fn requests(&self, open: usize, overdue: usize, answered: usize, late: usize) -> String {
        match self.0 {
            Language::En => format!(
                "Requests for clarification: {open} awaiting an answer, {overdue} overdue, {answered} answered ({late} late)."
            ),
            Language::Ru => format!(
                "Запросы о разъяснении: ждут ответа — {open}, просрочены — {overdue}, получен ответ — {answered} (с опозданием — {late})."
            ),
            Language::Tr => format!(
                "Açıklama talepleri: {open} yanıt bekliyor, {overdue} süresi geçti, {answered} yanıtlandı ({late} gecikmeli)."
            ),
            Language::Fa => format!(
                "درخواست‌های توضیح: {open} در انتظار پاسخ، {overdue} دیرکرده، {answered} پاسخ‌داده (از آن میان {late} با تأخیر)."
            ),
            Language::Ar => format!(
                "طلبات الاستيضاح: بانتظار الرد {open}، متأخرة {overdue}، أُجيب عنها {answered} (منها {late} بعد الموعد)."
            ),
        }
    }

    /// Verification cases in the period: opened and closed in it, and
    /// those open at its end with how many of them were overdue.
    pub fn cases(&self, opened: usize, closed: usize, open: usize, overdue: usize) -> String {
        match self.0 {
            Language::En => format!(
                "Verification cases: {opened} opened, {closed} closed; {open} open, of which {overdue} overdue."
            ),
            Language::Ru => format!(
                "Дела о проверке: открыто — {opened}, закрыто — {closed}; не закрыто — {open}, из них просрочено — {overdue}."
            ),
            Language::Tr => format!(
                "Doğrulama dosyaları: {opened} açıldı, {closed} kapandı; {open} açık, bunlardan {overdue} tanesinin süresi geçti."
            ),
            Language::Fa => format!(
                "پرونده‌های راستی‌آزمایی: {opened} گشوده، {closed} بسته؛ {open} باز، از آن میان {overdue} دیرکرده."
            ),
            Language::Ar => format!(
                "قضايا التحقق: فُتح {opened}، أُغلق {closed}؛ ما زال مفتوحًا {open}، منها متأخرة {overdue}."
            ),
        }
    }

    /// The governorates no working asset could see on `day`.
    pub fn not_observed(&self, day: &str, governorates: &str) -> String {
        match self.0 {
            Language::En => format!("{day}, not observed: {governorates}."),
            Language::Ru => format!("{day}, наблюдение не велось: {governorates}."),
            Language::Tr => format!("{day}, gözlem yapılamadı: {governorates}."),
            Language::Fa => format!("{day}، مشاهده نشد: {governorates}."),
            Language::Ar => format!("{day}، لم تتم المراقبة: {governorates}."),
        }
    }

    /// The governorates watched all or part of `day` with no report.
    pub fn no_violation_observed(&self, day: &str, governorates: &str) -> String {
        match self.0 {
            Language::En => format!("{day}, no violation observed: {governorates}."),
            Language::Ru => format!("{day}, нарушений не выявлено: {governorates}."),
            Language::Tr => format!("{day}, ihlal gözlenmedi: {governorates}."),
            Language::Fa => format!("{day}، نقضی مشاهده نشد: {governorates}."),
            Language::Ar => format!("{day}، لم يُرصد أي خرق: {governorates}."),
        }
    }

    /// Restrictions of the monitors' access by one party or formation.
    pub fn access(
        &self,
        by: &str,
        denial: usize,
        restriction: usize,
        threat: usize,
        jamming: usize,
    ) -> String {
        match self.0 {
            Language::En => format!(
                "Access of the monitors, {by}: {denial} denied, {restriction} restricted, {threat} threatened, {jamming} jammed."
            ),
            Language::Ru => format!(
                "Доступ наблюдателей, {by}: отказано — {denial}, ограничено — {restriction}, угрозы — {threat}, глушение — {jamming}."
            ),
            Language::Tr => format!(
                "Gözlemcilerin erişimi, {by}: {denial} engelleme, {restriction} kısıtlama, {threat} tehdit, {jamming} sinyal karıştırma."
            ),
            Language::Fa => format!(
                "دسترسی ناظران، {by}: {denial} منع، {restriction} محدودیت، {threat} تهدید، {jamming} اخلال."
            ),
            Language::Ar => format!(
                "وصول المراقبين، {by}: منع {denial}، تقييد {restriction}، تهديد {threat}، تشويش {jamming}."
            ),
        }
    }

    /// The severities the closed cases found, each with its count.
    pub fn case_findings(&self, by_severity: &[(&str, usize)]) -> String {
        let list: Vec<String> = by_severity
            .iter()
            .map(|(severity, n)| format!("{}: {n}", self.severity(severity)))
            .collect();
        let (label, separator) = match self.0 {
            Language::En => ("Findings of closed cases", ", "),
            Language::Ru => ("Заключения по закрытым делам", ", "),
            Language::Tr => ("Kapanan dosyaların tespitleri", ", "),
            Language::Fa => ("یافته‌های پرونده‌های بسته", "، "),
            Language::Ar => ("نتائج القضايا المغلقة", "، "),
        };
        format!("{label} — {}.", list.join(separator))
    }

    /// Confirmed violations of acts the agreements prohibit, per act.
    pub fn prohibited_acts(&self, acts: &[(&str, usize)]) -> String {
        let list: Vec<String> = acts.iter().map(|(act, n)| format!("{act} ({n})")).collect();
        let (label, separator) = match self.0 {
            Language::En => ("Confirmed violations of prohibited acts", "; "),
            Language::Ru => ("Подтверждённые нарушения запретов соглашений", "; "),
            Language::Tr => ("Yasaklanan eylemlere ilişkin teyitli ihlaller", "; "),
            Language::Fa => ("نقض‌های تأییدشدهٔ کارهای ممنوع", "؛ "),
            Language::Ar => ("الخروق المؤكدة للأفعال المحظورة", "؛ "),
        };
        format!("{label}: {}.", list.join(separator))
    }

    /// Median days from a case's opening to its finding.
    pub fn median_to_finding(&self, days: f64) -> String {
        let days = format!("{days:.1}");
        match self.0 {
            Language::En => format!("Median time to finding: {days} days."),
            Language::Ru => format!("Медианный срок до заключения (сут.): {days}."),
            Language::Tr => format!("Tespite kadar medyan süre: {days} gün."),
            Language::Fa => format!("میانهٔ زمان تا یافته: {days} روز."),
            Language::Ar => format!("الوسيط حتى النتيجة (بالأيام): {days}."),
        }
    }

    /// A severity of the mechanism's scale, by its name.
    pub fn severity<'a>(&self, name: &'a str) -> &'a str {
        let index = match name {
            "not_an_incident" => 0,
            "relevant_incident" => 1,
            "not_a_violation" => 2,
            "minor_violation" => 3,
            "serious_violation" => 4,
            _ => return name,
        };
        let words: [&'static str; 5] = match self.0 {
            Language::En => [
                "not an incident",
                "relevant incident",
                "not a violation",
                "minor violation",
                "serious violation",
            ],
            Language::Ru => [
                "не инцидент",
                "значимый инцидент",
                "не нарушение",
                "незначительное нарушение",
                "серьёзное нарушение",
            ],
            Language::Tr => [
                "olay değil",
                "ilgili olay",
                "ihlal değil",
                "hafif ihlal",
                "ciddi ihlal",
            ],
            Language::Fa => [
                "رویداد نیست",
                "رویداد مرتبط",
                "نقض نیست",
                "نقض جزئی",
                "نقض جدی",
            ],
            Language::Ar => [
                "ليس حادثًا",
                "حادث ذو صلة",
                "ليس خرقًا",
                "خرق طفيف",
                "خرق جسيم",
            ],
        };
        words[index]
    }

    pub fn held_by(&self, n: usize, party: &str) -> String {
        match self.0 {
            Language::En => format!("{n} held by {party}"),
            Language::Ru => format!("удерживались стороной {party}: {n}"),
            Language::Tr => format!("{party} elinde {n}"),
            Language::Fa => format!("{n} نفر در بازداشت {party}"),
            Language::Ar => format!("لدى {party}: {n}"),
        }
    }

    pub fn exchange(
        &self,
        number: &str,
        place: &str,
        released: usize,
        sides: &[String],
        open: usize,
    ) -> String {
        match self.0 {
            Language::En => {
                let persons = if released == 1 {
                    "1 person".to_string()
                } else {
                    format!("{released} persons")
                };
                format!("Exchange {number} at {place}: {persons} released ({}); {open} still open.", sides.join(", "))
            }
            Language::Ru => format!("Обмен {number}, {place}: освобождено лиц: {released} ({}); не завершено: {open}.", sides.join(", ")),
            Language::Tr => format!("{place} takası {number}: {released} kişi serbest bırakıldı ({}); {open} kişi bekliyor.", sides.join(", ")),
            Language::Fa => format!("مبادلهٔ {number} در {place}: {released} نفر آزاد شدند ({})؛ {open} مورد باز است.", sides.join("، ")),
            Language::Ar => format!("التبادل {number} في {place}: عدد المفرج عنهم: {released} ({})؛ ما زال مفتوحًا: {open}.", sides.join("، ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use truce_model::ViolationType;

    #[test]
    fn every_violation_type_has_words_in_every_language() {
        for t in ViolationType::ALL {
            assert_eq!(Words(Language::En).violation_type(t.as_str()), t.as_str());
            for language in &Language::ALL[1..] {
                let words = Words(*language).violation_type(t.as_str());
                assert_ne!(words, t.as_str(), "{t:?} in {language:?}");
            }
        }
    }

    #[test]
    fn every_severity_has_words_in_every_language() {
        for severity in truce_model::Severity::ALL {
            let name = severity.as_str();
            assert_eq!(Words(Language::En).severity(name), name.replace('_', " "));
            for language in &Language::ALL[1..] {
                assert_ne!(
                    Words(*language).severity(name),
                    name,
                    "{name} in {language:?}"
                );
            }
        }
    }

    #[test]
    fn languages_parse_from_their_codes() {
        for language in Language::ALL {
            assert_eq!(language.as_str().parse::<Language>(), Ok(language));
        }
        assert!("de"
            .parse::<Language>()
            .unwrap_err()
            .contains("en, ru, tr, fa, ar"));
    }
}
