//! The values query parameters take, for the OpenAPI document only: the
//! handlers read parameters as text and parse them themselves, so that a
//! refusal names the parameter (400 with `field`). Each enum here lists the
//! words its parser accepts; the tests below hold them to the parsers' own
//! lists.

#![allow(dead_code)]

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::Required;
use utoipa::ToSchema;

/// An empty query value (`?to=`, as an HTML form sends a field left blank)
/// means the parameter is not given, for every parameter of every route
/// (`query::parse`): the document says so by letting each query parameter
/// be its own schema or the empty string.
pub fn empty_means_absent(openapi: &mut utoipa::openapi::OpenApi) {
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            allow_empty_query_values(operation);
        }
    }
}

fn allow_empty_query_values(operation: &mut Operation) {
    for parameter in operation.parameters.iter_mut().flatten() {
        // A required parameter must be given, and given a value.
        if parameter.parameter_in != ParameterIn::Query || parameter.required == Required::True {
            continue;
        }
        if let Some(schema) = parameter.schema.take() {
            parameter.schema = Some(
                OneOfBuilder::new()
                    .item(schema)
                    .item(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .max_length(Some(0)),
                    )
                    .into(),
            );
        }
    }
}

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

/// A language of the bulletin's text.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum LanguageParam {
    En,
    Ru,
    Tr,
    Fa,
    Ar,
}

/// Rows of the CSV export.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum LevelParam {
    Event,
    Report,
}

/// The order of a list: the Record's, or by the event's day.
#[derive(ToSchema)]
pub enum SortParam {
    #[schema(rename = "record")]
    Record,
    #[schema(rename = "date")]
    Date,
    #[schema(rename = "-date")]
    DateDescending,
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
        assert_eq!(
            words::<SortParam>(),
            names(
                truce_query::SortOrder::ALL
                    .iter()
                    .map(|t| t.as_str())
                    .collect()
            )
        );
        assert_eq!(
            words::<LanguageParam>(),
            names(
                truce_regime::Language::ALL
                    .iter()
                    .map(|l| l.as_str())
                    .collect()
            )
        );
        for word in words::<ViolationTypeName>() {
            assert!(word.parse::<ViolationType>().is_ok(), "{word}");
        }
    }
}
