//! Token usage per conversation and an estimate of what it cost, from a small table
//! of published OpenAI list prices. Always shown as an estimate: prices change,
//! and other servers (local models, proxies) charge differently or nothing.

use crate::domain::Message;

/// List prices in US dollars per million tokens: (model prefix, input, output).
/// Matched by the longest prefix, so dated snapshots ("gpt-4o-mini-2024-07-18")
/// find their family. Checked against OpenAI's pricing page in 2025.
const PRICES: &[(&str, f64, f64)] = &[
    ("gpt-5", 1.25, 10.0),
    ("gpt-5-mini", 0.25, 2.0),
    ("gpt-5-nano", 0.05, 0.40),
    ("gpt-4.1", 2.0, 8.0),
    ("gpt-4.1-mini", 0.40, 1.60),
    ("gpt-4.1-nano", 0.10, 0.40),
    ("gpt-4o", 2.50, 10.0),
    ("gpt-4o-mini", 0.15, 0.60),
    ("gpt-4-turbo", 10.0, 30.0),
    ("gpt-3.5-turbo", 0.50, 1.50),
    ("o1", 15.0, 60.0),
    ("o1-mini", 1.10, 4.40),
    ("o3", 2.0, 8.0),
    ("o3-mini", 1.10, 4.40),
    ("o4-mini", 1.10, 4.40),
];

/// Estimated cost in US dollars, or `None` for a model not in the table.
pub fn estimate_cost(model: &str, prompt_tokens: u64, completion_tokens: u64) -> Option<f64> {
    let model = model.trim().to_ascii_lowercase();
    let model = model.rsplit('/').next().unwrap_or(&model); // "openai/gpt-4o" via proxies
    let (_, input, output) = PRICES
        .iter()
        .filter(|(prefix, _, _)| {
            model == *prefix
                || model
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('-'))
        })
        .max_by_key(|(prefix, _, _)| prefix.len())?;
    Some((prompt_tokens as f64 * input + completion_tokens as f64 * output) / 1_000_000.0)
}

/// Tokens one model used in a conversation (or across conversations).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ModelUsage {
    pub model: String,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// US dollars, estimated; `None` when the model's price is unknown.
    pub estimated_cost_usd: Option<f64>,
}

impl ModelUsage {
    /// A row with its cost estimated.
    pub fn new(model: &str, prompt_tokens: u64, completion_tokens: u64) -> ModelUsage {
        ModelUsage {
            model: model.to_string(),
            prompt_tokens,
            completion_tokens,
            estimated_cost_usd: estimate_cost(model, prompt_tokens, completion_tokens),
        }
    }
}

/// Usage per model over the messages that carry token counts, most tokens first.
pub fn usage_by_model<'a>(messages: impl IntoIterator<Item = &'a Message>) -> Vec<ModelUsage> {
    let mut rows: Vec<ModelUsage> = Vec::new();
    for m in messages {
        if m.prompt_tokens.is_none() && m.completion_tokens.is_none() {
            continue;
        }
        let model = m.model.as_deref().unwrap_or("unknown model");
        let prompt = m.prompt_tokens.unwrap_or(0).max(0) as u64;
        let completion = m.completion_tokens.unwrap_or(0).max(0) as u64;
        match rows.iter_mut().find(|r| r.model == model) {
            Some(row) => {
                row.prompt_tokens = row.prompt_tokens.saturating_add(prompt);
                row.completion_tokens = row.completion_tokens.saturating_add(completion);
            }
            None => rows.push(ModelUsage {
                model: model.to_string(),
                prompt_tokens: prompt,
                completion_tokens: completion,
                estimated_cost_usd: None,
            }),
        }
    }
    for row in &mut rows {
        row.estimated_cost_usd =
            estimate_cost(&row.model, row.prompt_tokens, row.completion_tokens);
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.prompt_tokens.saturating_add(r.completion_tokens)));
    rows
}

/// One line per model, e.g. `gpt-4o-mini: 12,345 prompt + 2,000 completion tokens, about $0.0031 (estimate)`.
pub fn describe(usage: &[ModelUsage]) -> Vec<String> {
    usage
        .iter()
        .map(|u| {
            let cost = match u.estimated_cost_usd {
                Some(c) if c < 0.01 => format!("about ${c:.4} (estimate)"),
                Some(c) => format!("about ${c:.2} (estimate)"),
                None => "cost unknown for this model".to_string(),
            };
            format!(
                "{}: {} prompt + {} completion tokens, {cost}",
                u.model,
                thousands(u.prompt_tokens),
                thousands(u.completion_tokens)
            )
        })
        .collect()
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, Status};

    #[test]
    fn known_models_are_priced_by_their_family() {
        let mini = estimate_cost("gpt-4o-mini", 1_000_000, 1_000_000).expect("known");
        assert!((mini - 0.75).abs() < 1e-9, "{mini}");
        // A dated snapshot finds its family, and "gpt-4o" does not swallow "gpt-4o-mini".
        let dated = estimate_cost("gpt-4o-mini-2024-07-18", 1_000_000, 0).expect("known");
        assert!((dated - 0.15).abs() < 1e-9);
        let big = estimate_cost("gpt-4o", 0, 1_000_000).expect("known");
        assert!((big - 10.0).abs() < 1e-9);
        assert!(estimate_cost("openai/gpt-4.1-nano", 1_000_000, 0).is_some());
        assert_eq!(estimate_cost("llama3.1:8b", 10, 10), None);
        assert_eq!(estimate_cost("gpt-4omni", 10, 10), None);
    }

    fn message(model: &str, prompt: Option<i64>, completion: Option<i64>) -> Message {
        Message {
            id: 1,
            conversation_id: 1,
            role: Role::Assistant,
            content: "x".into(),
            status: Status::Complete,
            created_at: 0,
            error: None,
            prompt_tokens: prompt,
            completion_tokens: completion,
            model: Some(model.into()),
            reasoning: None,
        }
    }

    #[test]
    fn usage_is_summed_per_model() {
        let messages = [
            message("gpt-4o-mini", Some(1000), Some(200)),
            message("gpt-4o-mini", Some(3000), Some(300)),
            message("local", Some(10), Some(5)),
            message("offline-question-bank", None, None),
        ];
        let usage = usage_by_model(&messages);
        assert_eq!(usage.len(), 2);
        assert_eq!(usage[0].model, "gpt-4o-mini");
        assert_eq!(
            (usage[0].prompt_tokens, usage[0].completion_tokens),
            (4000, 500)
        );
        assert!(usage[0].estimated_cost_usd.is_some());
        assert_eq!(usage[1].estimated_cost_usd, None);
        let lines = describe(&usage);
        assert_eq!(
            lines[0],
            "gpt-4o-mini: 4,000 prompt + 500 completion tokens, about $0.0009 (estimate)"
        );
        assert!(lines[1].contains("cost unknown"));
    }
}
