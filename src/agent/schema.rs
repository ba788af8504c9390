//! The feedback report's JSON schema, built with its properties in a fixed order so
//! the order reaches the model on the wire: a model writes a structured reply in the
//! schema's property order, and the report asks for the analysis (each answer's
//! evidence and scores) before the verdicts (competencies, then readiness).
//!
//! `serde_json::Value` sorts object keys, so the schema is held in [`Ordered`], a
//! JSON value whose objects keep the order they were built in.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A JSON value whose objects keep their keys in insertion order.
#[derive(Debug, Clone, PartialEq)]
pub enum Ordered {
    Str(String),
    Int(i64),
    Bool(bool),
    Array(Vec<Ordered>),
    Object(Vec<(String, Ordered)>),
}

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Ordered::Str(s) => serializer.serialize_str(s),
            Ordered::Int(i) => serializer.serialize_i64(*i),
            Ordered::Bool(b) => serializer.serialize_bool(*b),
            Ordered::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Ordered::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

fn s(text: &str) -> Ordered {
    Ordered::Str(text.to_string())
}

fn typed(kind: &str, description: &str) -> Ordered {
    Ordered::Object(vec![
        ("type".into(), s(kind)),
        ("description".into(), s(description)),
    ])
}

fn strings(description: &str) -> Ordered {
    Ordered::Object(vec![
        ("type".into(), s("array")),
        ("description".into(), s(description)),
        (
            "items".into(),
            Ordered::Object(vec![("type".into(), s("string"))]),
        ),
    ])
}

fn enumeration(values: &[&str]) -> Ordered {
    Ordered::Object(vec![
        ("type".into(), s("string")),
        (
            "enum".into(),
            Ordered::Array(values.iter().map(|v| s(v)).collect()),
        ),
    ])
}

fn array_of(description: &str, items: Ordered) -> Ordered {
    Ordered::Object(vec![
        ("type".into(), s("array")),
        ("description".into(), s(description)),
        ("items".into(), items),
    ])
}

/// A strict object: every property required, in the order given, nothing else.
fn object(properties: Vec<(&str, Ordered)>) -> Ordered {
    let required = Ordered::Array(properties.iter().map(|(k, _)| s(k)).collect());
    Ordered::Object(vec![
        ("type".into(), s("object")),
        ("additionalProperties".into(), Ordered::Bool(false)),
        ("required".into(), required),
        (
            "properties".into(),
            Ordered::Object(
                properties
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            ),
        ),
    ])
}

/// The report's schema (OpenAI structured outputs, strict), properties in the
/// order the model should write them.
pub fn report_schema(competencies: &[&str]) -> Ordered {
    let answer_score = object(vec![
        ("competency", enumeration(competencies)),
        (
            "quote",
            typed(
                "string",
                "an exact quotation, copied word for word from the candidate's answer to this question, that this score rests on",
            ),
        ),
        (
            "score",
            typed("integer", "1 to 5 on this competency's anchored scale"),
        ),
    ]);
    let question = object(vec![
        (
            "number",
            typed(
                "integer",
                "the question's number in the outline of questions you were given",
            ),
        ),
        (
            "question",
            typed("string", "the question as asked, shortened if long"),
        ),
        (
            "answer_summary",
            typed("string", "one or two sentences on what the candidate said"),
        ),
        (
            "evidence",
            strings(
                "exact quotations from the candidate's answer, word for word, that show its strengths and gaps",
            ),
        ),
        (
            "scores",
            array_of(
                "one score for each competency that applies to this answer",
                answer_score,
            ),
        ),
        (
            "strengths",
            strings("one to three specific things that were good"),
        ),
        (
            "improvements",
            strings("one to three specific, actionable changes"),
        ),
        (
            "rewritten",
            typed(
                "string",
                "the candidate's own answer, rewritten stronger, using only what they said and their CV; [placeholders] for anything missing",
            ),
        ),
        (
            "better_answer",
            typed(
                "string",
                "a short model answer to the question, three to five sentences",
            ),
        ),
    ]);
    let competency = object(vec![
        ("name", enumeration(competencies)),
        (
            "evidence",
            typed(
                "string",
                "what in the answers justifies the score, quoting them",
            ),
        ),
        (
            "score",
            typed("integer", "1 to 5 on the competency's anchored scale"),
        ),
    ]);
    object(vec![
        (
            "questions",
            array_of(
                "each main question the candidate answered or skipped, in order",
                question,
            ),
        ),
        (
            "competencies",
            array_of(
                "each competency scored once, over the whole interview",
                competency,
            ),
        ),
        ("readiness", enumeration(&["not_yet", "almost", "ready"])),
        (
            "overall_summary",
            typed(
                "string",
                "three to five sentences on how the interview went",
            ),
        ),
        (
            "top_improvements",
            strings("the two or three highest-leverage improvements, most important first"),
        ),
        (
            "study_plan",
            strings("three to six concrete practice steps for the coming week"),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_serialise_in_the_order_built() {
        let text = serde_json::to_string(&report_schema(&["structure"])).expect("json");
        let at = |key: &str| text.find(&format!("\"{key}\":")).expect(key);
        // Analysis before verdicts.
        assert!(at("questions") < at("competencies"));
        assert!(at("competencies") < at("readiness"));
        assert!(at("evidence") < at("scores"));
        assert!(at("scores") < at("strengths"));
        assert!(at("readiness") < at("overall_summary"));
        // Within a score, the quote comes before the number.
        assert!(text.find("\"quote\":").expect("quote") < text.rfind("\"score\":").expect("score"));
    }
}
