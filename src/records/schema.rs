//! What the change log may name: every record type and, for each, its fields. The write path
//! produces nothing else (a test holds it to the records' own types), and any path that
//! brings operations from outside (sync) refuses an operation that names anything else.

use crate::changelog::{OpKind, Operation};
use crate::error::{Error, Result};
use crate::records::needs::NeedCategory;

/// The field prefix of a needs assessment's statuses, one field per category.
pub const NEEDS_STATUS_PREFIX: &str = "statuses.";

/// Each record type and its fields, in camelCase. A needs assessment also has one
/// `statuses.<category>` field per need category (and `statuses`, the whole map, as
/// assessments were written before that).
pub const RECORD_TYPES: &[(&str, &[&str])] = &[
    (
        "participant",
        &[
            "caseCode",
            "legalName",
            "chosenName",
            "birthYear",
            "department",
            "municipality",
            "genderIdentity",
            "ethnicity",
            "nationality",
            "disability",
            "safeContact",
            "messageOk",
            "assignedTo",
            "status",
            "closingReason",
        ],
    ),
    ("participant_access", &["participantId", "staffId"]),
    ("staff", &["username", "displayName", "role", "active"]),
    ("erasure", &["receivedOn", "deadline"]),
    (
        "summary_release",
        &[
            "period",
            "audience",
            "revision",
            "indicator",
            "table",
            "producedOn",
            "organizations",
        ],
    ),
    (
        "summary_revision",
        &["period", "revision", "revisedOn", "reason"],
    ),
    (
        "device",
        &[
            "name",
            "staffId",
            "ageRecipient",
            "signingKey",
            "registeredBy",
            "joinExpires",
            "revoked",
        ],
    ),
    (
        "consent",
        &[
            "participantId",
            "purpose",
            "organization",
            "legalBasis",
            "noticeVersion",
            "method",
            "readAloud",
            "language",
            "givenOn",
            "collectedBy",
            "revokedOn",
        ],
    ),
    (
        "household",
        &[
            "participantId",
            "headOfHousehold",
            "notarialDeclarationOn",
            "householdSize",
            "incomeBand",
            "tenure",
            "socioeconomicGroup",
            "conflictVictim",
        ],
    ),
    (
        "dependant",
        &[
            "participantId",
            "alias",
            "relationship",
            "birthDate",
            "age",
            "disability",
            "disabilityCertificate",
            "livedWithHerBefore",
            "carer",
            "location",
            "custody",
            "livesWithHerInPrison",
        ],
    ),
    (
        "housing",
        &[
            "participantId",
            "situation",
            "from",
            "until",
            "municipality",
            "address",
        ],
    ),
    (
        "document",
        &[
            "participantId",
            "documentType",
            "dependantId",
            "status",
            "issuingBody",
            "requestedOn",
            "obtainedOn",
            "cost",
            "expiresOn",
            "originalKeptAt",
        ],
    ),
    (
        "needs",
        &["participantId", "phase", "assessedOn", "statuses"],
    ),
    (
        "contact",
        &[
            "participantId",
            "contactType",
            "date",
            "place",
            "team",
            "visitId",
            "summary",
        ],
    ),
    (
        "note",
        &["participantId", "date", "text", "sensitive", "contactId"],
    ),
    (
        "proceeding",
        &[
            "participantId",
            "jurisdiction",
            "caseNumber",
            "court",
            "offenceCode",
            "offenceCategory",
            "sentenceMonths",
            "expectedReleaseOn",
        ],
    ),
    (
        "legal_status",
        &["participantId", "proceedingId", "status", "since"],
    ),
    (
        "prison_stay",
        &[
            "participantId",
            "proceedingId",
            "facility",
            "enteredOn",
            "leftOn",
        ],
    ),
    (
        "legal_application",
        &[
            "participantId",
            "applicationType",
            "proceedingId",
            "filedBy",
            "filedOn",
            "authority",
            "fileNumber",
            "evidence",
            "status",
            "decidedOn",
            "refusalReason",
            "marginalityEvidence",
            "priorConviction",
            "excludedOffence",
            "notes",
        ],
    ),
    (
        "service_plan",
        &[
            "participantId",
            "applicationId",
            "receivingEntity",
            "supervisor",
            "activities",
            "sentenceMonths",
            "hoursDueOverride",
            "overrideReason",
            "hoursPerWeek",
            "hoursPerDay",
            "schedule",
            "startOn",
            "executionJudge",
        ],
    ),
    (
        "service_hours",
        &[
            "participantId",
            "planId",
            "date",
            "hours",
            "activity",
            "verifiedBy",
        ],
    ),
    (
        "compliance_report",
        &[
            "participantId",
            "planId",
            "periodStart",
            "periodEnd",
            "incidents",
            "sentOn",
        ],
    ),
    (
        "referral",
        &[
            "participantId",
            "category",
            "organizationId",
            "serviceId",
            "referredOn",
            "sharesData",
            "consentId",
            "status",
            "followUpOn",
            "outcome",
        ],
    ),
    (
        "task",
        &[
            "participantId",
            "title",
            "dueOn",
            "assignedTo",
            "generatedKey",
            "done",
            "doneOn",
            "notes",
        ],
    ),
    ("visit", &["participantId", "device", "expires", "endedAt"]),
    (
        "rights_request",
        &[
            "participantId",
            "right",
            "receivedOn",
            "deadline",
            "basis",
            "status",
            "doneOn",
            "doneBy",
            "outcome",
        ],
    ),
    (
        "organization",
        &[
            "name",
            "kind",
            "categories",
            "requirements",
            "acceptsRecords",
            "municipality",
            "department",
            "address",
            "hours",
            "contact",
            "verifiedOn",
        ],
    ),
    (
        "service",
        &[
            "organizationId",
            "name",
            "category",
            "requirements",
            "hours",
            "contact",
            "verifiedOn",
        ],
    ),
];

/// The fields of `record_type`, if the log knows the type.
pub fn fields_of(record_type: &str) -> Option<&'static [&'static str]> {
    RECORD_TYPES
        .iter()
        .find(|(name, _)| *name == record_type)
        .map(|(_, fields)| *fields)
}

/// Whether `field` is a field of `record_type`.
pub fn has_field(record_type: &str, field: &str) -> bool {
    if record_type == "needs" {
        if let Some(category) = field.strip_prefix(NEEDS_STATUS_PREFIX) {
            return NeedCategory::ALL.iter().any(|known| {
                serde_json::to_value(known)
                    .ok()
                    .as_ref()
                    .and_then(|v| v.as_str())
                    == Some(category)
            });
        }
    }
    fields_of(record_type).is_some_and(|fields| fields.contains(&field))
}

/// Refuses an operation that names a record type or a field the log does not know: a `set`
/// names one field; a `create` or `append` carries an object of known fields; a `delete`
/// names none.
pub fn check(operation: &Operation) -> Result<()> {
    let unknown = || Error::invalid("operation", "an unknown record type or field");
    let record_type = operation.record_type.as_str();
    fields_of(record_type).ok_or_else(unknown)?;
    match operation.kind {
        OpKind::Set if has_field(record_type, &operation.field) => Ok(()),
        OpKind::Delete if operation.field.is_empty() => Ok(()),
        OpKind::Create | OpKind::Append if operation.field.is_empty() => match &operation.value {
            Some(serde_json::Value::Object(carried))
                if carried.keys().all(|field| has_field(record_type, field)) =>
            {
                Ok(())
            }
            _ => Err(unknown()),
        },
        _ => Err(unknown()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changelog::Hlc;
    use serde_json::json;

    fn op(record_type: &str, kind: OpKind, field: &str, value: serde_json::Value) -> Operation {
        Operation {
            op_id: "o".into(),
            device_id: "d".into(),
            seq: 1,
            hlc: Hlc {
                wall_ms: 1,
                counter: 0,
            },
            author_id: "s".into(),
            record_type: record_type.into(),
            record_id: "r".into(),
            field: field.into(),
            kind,
            value: Some(value),
            based_on: vec![],
            participant_id: Some("p".into()),
        }
    }

    /// The whitelist's fields of a file are the one list's ([`ParticipantField`]), plus what
    /// only the write path sets.
    #[test]
    fn a_files_fields_come_from_the_one_list() {
        use crate::records::participants::ParticipantField;
        let mut expected = vec!["caseCode"];
        expected.extend(ParticipantField::DETAILS.iter().map(|f| f.log_name()));
        expected.extend([
            ParticipantField::AssignedTo.log_name(),
            "status",
            "closingReason",
        ]);
        assert_eq!(fields_of("participant").unwrap(), expected.as_slice());
        for field in ParticipantField::ALL {
            assert_eq!(
                crate::records::participants::log_field(field.as_str()),
                field.log_name()
            );
        }
    }

    #[test]
    fn known_types_and_fields_pass_and_anything_else_is_refused() {
        assert!(check(&op("participant", OpKind::Set, "legalName", json!("Ana"))).is_ok());
        assert!(check(&op("needs", OpKind::Set, "statuses.housing", json!("need"))).is_ok());
        assert!(check(&op(
            "document",
            OpKind::Create,
            "",
            json!({"participantId": "p", "status": "has"})
        ))
        .is_ok());
        assert!(check(&op(
            "note",
            OpKind::Append,
            "",
            json!({"participantId": "p", "text": "x"})
        ))
        .is_ok());
        assert!(check(&op(
            "household",
            OpKind::Delete,
            "",
            serde_json::Value::Null
        ))
        .is_ok());
        for refused in [
            op("spaceship", OpKind::Set, "name", json!("x")),
            op("participant", OpKind::Set, "legal_name", json!("Ana")),
            op("participant", OpKind::Set, "", json!("Ana")),
            op("needs", OpKind::Set, "statuses.narnia", json!("need")),
            op(
                "document",
                OpKind::Create,
                "",
                json!({"participantId": "p", "secret": 1}),
            ),
            op("document", OpKind::Create, "", json!("not an object")),
            op("document", OpKind::Create, "status", json!({})),
            op(
                "household",
                OpKind::Delete,
                "tenure",
                serde_json::Value::Null,
            ),
        ] {
            assert!(check(&refused).is_err(), "{refused:?}");
        }
    }
}
