//! Interviewer personas: a registry of named system prompts (shipped in
//! `assets/prompts/`) and the assembly of one conversation's system prompt from a
//! persona and the interview's setup.

use crate::store::InterviewSetup;

/// A named interviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Persona {
    /// Registry name, stored with each conversation (e.g. `career-interviewer`).
    pub name: &'static str,
    /// One line for help texts and pickers.
    pub description: &'static str,
    /// The persona's base instructions.
    pub prompt: &'static str,
}

/// Every persona this build ships.
pub const PERSONAS: &[Persona] = &[Persona {
    name: "career-interviewer",
    description: "Career Interviewer: a hiring manager running a realistic practice interview",
    prompt: include_str!("../../assets/prompts/career-interviewer.md"),
}];

/// Unknown persona name, with the names that exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("there is no persona {name:?}; choose one of: {}", known_names())]
pub struct UnknownPersona {
    pub name: String,
}

fn known_names() -> String {
    PERSONAS
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Looks a persona up by name.
pub fn find(name: &str) -> Result<&'static Persona, UnknownPersona> {
    PERSONAS
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| UnknownPersona {
            name: name.to_string(),
        })
}

/// The system prompt for one conversation: the persona's instructions, then what the
/// candidate told us about the interview they are preparing for.
pub fn system_prompt(persona: &Persona, setup: &InterviewSetup) -> String {
    let mut prompt = persona.prompt.trim_end().to_string();
    let mut facts = Vec::new();
    if let Some(role) = setup.role.as_deref().filter(|s| !s.trim().is_empty()) {
        facts.push(format!("- Target role: {}", role.trim()));
    }
    if let Some(level) = setup.seniority.as_deref().filter(|s| !s.trim().is_empty()) {
        facts.push(format!("- Seniority: {}", level.trim()));
    }
    facts.push(format!(
        "- Interview type: {}",
        setup.interview_type.label()
    ));
    if let Some(n) = setup.questions {
        facts.push(format!("- Number of main questions: {n}"));
    }
    prompt.push_str("\n\nThe interview being practised:\n");
    prompt.push_str(&facts.join("\n"));
    if let Some(jd) = setup
        .job_description
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        prompt.push_str(
            "\n\nJob description (use its requirements as the source of your questions):\n<job_description>\n",
        );
        prompt.push_str(jd.trim());
        prompt.push_str("\n</job_description>");
    }
    if let Some(cv) = setup.cv.as_deref().filter(|s| !s.trim().is_empty()) {
        prompt.push_str("\n\nThe candidate's CV (ask about its claims):\n<cv>\n");
        prompt.push_str(cv.trim());
        prompt.push_str("\n</cv>");
    }
    prompt
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::InterviewType;

    #[test]
    fn the_career_interviewer_is_registered() {
        let p = find("career-interviewer").expect("registered");
        assert!(p.prompt.contains("one question per turn"));
        assert!(find("nobody").is_err());
    }

    #[test]
    fn the_system_prompt_carries_the_setup() {
        let setup = InterviewSetup {
            role: Some("Site reliability engineer".into()),
            seniority: Some("senior".into()),
            interview_type: InterviewType::Technical,
            questions: Some(4),
            job_description: Some("Own our Kubernetes fleet".into()),
            cv: None,
        };
        let p = system_prompt(find("career-interviewer").expect("persona"), &setup);
        assert!(p.contains("Target role: Site reliability engineer"));
        assert!(p.contains("Seniority: senior"));
        assert!(p.contains("Interview type: Technical"));
        assert!(p.contains("Number of main questions: 4"));
        assert!(p.contains("<job_description>\nOwn our Kubernetes fleet"));
        assert!(!p.contains("<cv>"));
    }
}
