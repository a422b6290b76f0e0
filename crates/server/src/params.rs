//! The values query parameters take, for the OpenAPI document only: the
//! handlers read parameters as text and parse them themselves, so that a
//! refusal names the parameter (400 with `field`). Each enum here lists the
//! words its parser accepts; the tests below hold them to the parsers' own
//! lists.

#![allow(dead_code)]

use utoipa::ToSchema;

/// A violation type.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ViolationTypeName {
    Shelling,
    AirStrike,
    GroundAssault,
    SmallArms,
    Ied,
    ForcesMovement,
    Obstruction,
    DetentionAbduction,
    Other,
}

/// An incident's finding.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum FindingParam {
    ConfirmedViolation,
    NotAViolation,
    Unconfirmed,
}

/// Where a decision stands.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum DecisionStatusParam {
    Open,
    Adopted,
    Rejected,
    Expired,
}

/// What a decision is about.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum DecisionTypeParam {
    Measure,
    Designation,
    Reinstatement,
    Criteria,
    Agreement,
    Document,
    Exchange,
    Parameters,
    Other,
}

/// Which edition: `public` or `internal`.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum EditionParam {
    Public,
    Internal,
}

/// The bulletin's format.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum BulletinFormatParam {
    Json,
    Text,
    Csv,
}

/// Rows of the CSV export.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum LevelParam {
    Event,
    Report,
}

/// `true` or `false`.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum BoolParam {
    True,
    False,
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::RefOr;
    use utoipa::PartialSchema;

    fn words<T: PartialSchema>() -> Vec<String> {
        let RefOr::T(Schema::Object(object)) = T::schema() else {
            panic!("not an inline enum");
        };
        object
            .enum_values
            .unwrap()
            .into_iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn each_enum_lists_the_words_its_parser_accepts() {
        use truce_model::{DecisionType, ViolationType};
        use truce_query::{DecisionStatusName, FindingName};
        let names = |list: Vec<&str>| list.into_iter().map(String::from).collect::<Vec<_>>();
        assert_eq!(
            words::<ViolationTypeName>(),
            names(ViolationType::ALL.iter().map(|t| t.as_str()).collect())
        );
        assert_eq!(
            words::<FindingParam>(),
            names(FindingName::ALL.iter().map(|t| t.as_str()).collect())
        );
        assert_eq!(
            words::<DecisionStatusParam>(),
            names(DecisionStatusName::ALL.iter().map(|t| t.as_str()).collect())
        );
        assert_eq!(
            words::<DecisionTypeParam>(),
            names(DecisionType::ALL.iter().map(|t| t.as_str()).collect())
        );
        for word in words::<ViolationTypeName>() {
            assert!(word.parse::<ViolationType>().is_ok(), "{word}");
        }
    }
}
