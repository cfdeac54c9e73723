"""One error type with stable codes and a hint the user can act on.

Codes are grouped by area so they stay stable as the catalogue grows:
E1xx CLI, workspace and configuration · E2xx governance and audit · E3xx readers,
writers and artifacts · E4xx synthetic data and task catalogs · E5xx models ·
E6xx de-identification · E7xx relevance and masking · E8xx training, export, scoring.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_DENIED = 3

# code: (exit code, message template, hint template)
CATALOGUE: dict[str, tuple[int, str, str]] = {
    # --- E1xx CLI, workspace, configuration
    "E101": (EXIT_USAGE, "no dsm-clinic workspace at {path}",
             "run 'dsm-clinic init {path}' first, or pass --workspace / set DSM_CLINIC_WORKSPACE"),
    "E102": (EXIT_USAGE, "{path} already holds a workspace",
             "use another folder, or keep working in this one"),
    "E103": (EXIT_USAGE, "invalid {what} {path}: {detail}",
             "fix the key named above; 'dsm-clinic --help' lists the commands and their options"),
    "E104": (EXIT_USAGE, "cannot read {what} {path}: {detail}",
             "check that the file exists and is readable YAML"),
    "E105": (EXIT_USAGE, "pipeline stage {index} '{stage}' failed: {detail}",
             "fix that stage; earlier stages finished and are in the audit log"),
    "E106": (EXIT_USAGE, "unknown pipeline stage '{stage}'",
             "known stages: {known}"),
    # --- E2xx governance and audit
    "E201": (EXIT_DENIED, "policy refused to load: {detail}",
             "every command stops until the workspace policy is valid; check it with 'dsm-clinic policy check {path}'"),
    "E202": (EXIT_DENIED, "denied by policy '{policy}': {reasons}",
             "ask the policy owner, or see the rules with 'dsm-clinic policy show'"),
    "E203": (EXIT_USAGE, "audit log is not intact: {detail}",
             "keep the log as it is and tell the data protection officer; 'dsm-clinic audit show' lists the records"),
    "E204": (EXIT_DENIED, "audit HMAC key unusable: {detail}",
             "point audit.hmac_key_file in dsm-clinic.yaml at a readable file of at least 32 bytes"),
    "E205": (EXIT_USAGE, "invalid filter {option}: {detail}",
             "dates look like 2026-11-21 or 2026-11-21T10:30:00"),
    "E206": (EXIT_DENIED, "network access is forbidden by policy: connection to {address} refused",
             "dsm-clinic runs air-gapped; load models and data from local folders"),
    "E207": (EXIT_USAGE, "{path} is not a copy of an audit head file ({detail})",
             "copy audit/audit.jsonl.head off the machine as it is and pass that copy"),
    # --- E3xx readers, writers, artifacts
    "E304": (EXIT_INTERNAL, "record counts do not add up for {what}: read {read} != written {written} + rejected {rejected}",
             "this is a bug in dsm-clinic, not in your data; keep the outputs and report it"),
    "E305": (EXIT_USAGE, "{path} has no column '{column}'",
             "columns found: {columns}; map yours with id_field / text_field (--id-field, --text-field)"),
    "E306": (EXIT_USAGE, "{path} has a bad header: {detail}",
             "give every column a distinct name; a mapped id or text column cannot sit beside one already named 'id' or 'text'"),
    "E307": (EXIT_USAGE, "record at line {line} of {path} cannot be read: {reason}",
             "pass a rejects file to set unreadable records aside and go on"),
    "E308": (EXIT_USAGE, "{path} is one JSON document, not JSON Lines",
             "write one JSON object per line (.jsonl)"),
    "E309": (EXIT_USAGE, "cannot write {path}: {detail}",
             "check that the folder exists, is writable and has free space"),
    "E301": (EXIT_USAGE, "cannot read {path}: {detail}",
             "check the path; supported inputs are .jsonl, .csv and .parquet"),
    "E302": (EXIT_USAGE, "unsupported file format for {path}",
             "use .jsonl, .csv or .parquet (or pass the format explicitly)"),
    "E303": (EXIT_USAGE, "{path} exists",
             "choose another output, or remove it first; nothing was overwritten"),
    "E310": (EXIT_USAGE, "cannot resume in {path}: {detail}",
             "start afresh without --resume in a new output folder"),
    "E311": (EXIT_USAGE, "{path} holds an interrupted run ({done} records done)",
             "add --resume to continue it, or choose another output folder"),
    # --- E4xx synthetic data, task catalogs
    "E401": (EXIT_USAGE, "invalid task catalog {path}: {key}: {detail}",
             "fix the key named above; a task needs name (a slug), target, labels (2 or more, unique) and description"),
    "E402": (EXIT_USAGE, "cannot read task catalog {path}: {detail}",
             "check that the file exists and is readable YAML with a top-level 'tasks:' list"),
    "E403": (EXIT_USAGE, "{path} is not empty and holds no synthetic corpus",
             "choose an empty or new folder; a previous corpus folder may be overwritten, other folders never are"),
    "E404": (EXIT_USAGE, "invalid synthetic corpus option {option}: {detail}",
             "notes must be at least 1, labeled between 0 and notes, label noise between 0 and 1"),
    # --- E5xx models
    "E501": (EXIT_USAGE, "no model folder at {path}: {detail}",
             "a model folder is a local Hugging Face folder holding config.json, the weights (*.safetensors or pytorch_model.bin) and tokenizer files (tokenizer.json, or tokenizer.model, with tokenizer_config.json); build one with 'dsm-clinic model init'"),
    "E502": (EXIT_USAGE, "'{name}' is not a local folder; it looks like a Hugging Face Hub id",
             "dsm-clinic loads models from local folders only and never downloads: on a connected machine save the model with save_pretrained, copy the folder here and pass its path"),
    "E503": (EXIT_USAGE, "model family '{model_type}' of {path} is not supported",
             "supported families: {supported}"),
    "E504": (EXIT_USAGE, "cannot load {what} from {path}: {detail}",
             "check that the folder was saved with save_pretrained and is complete; 'dsm-clinic model info {path}' shows what it holds"),
    "E505": (EXIT_USAGE, "cannot train the base model: {detail}",
             "give 'dsm-clinic model init' a corpus with more notes (a few hundred short notes are enough for --size tiny)"),
    "E506": (EXIT_USAGE, "invalid {option}: {detail}",
             "{allowed}"),
    "E507": (EXIT_USAGE, "cannot resume in {path}: {detail}",
             "run without --resume to start over in an empty folder"),
    # --- E6xx de-identification
    "E601": (EXIT_INTERNAL, "de-identification word lists unreadable in {path}: {detail}",
             "reinstall dsm-clinic; the lists ship with the package (see dsm_clinic/deid/data/README.md)"),
    "E602": (EXIT_USAGE, "{path} is not a usable NER pipeline: {detail}",
             "point the analyzer at a folder written by 'dsm-clinic deid train-ner' (a spaCy pipeline for 'it' with PHI labels)"),
    "E603": (EXIT_USAGE, "invalid de-identification option {option}: {detail}",
             "score_threshold is between 0 and 1; overlap is under half of max_length"),
    "E604": (EXIT_USAGE, "invalid gold record {where}: {detail}",
             "a gold record has 'id', 'text' and 'phi': [{{start, end, type}}] with 0 <= start < end <= len(text) and a type among {types}"),
    "E650": (EXIT_USAGE, "de-identification mode 'surrogate' needs a surrogate key",
             "pass the workspace de-identification secret, or choose --mode tag, mask or redact"),
    "E651": (EXIT_USAGE, "invalid PHI span {span}: {detail}",
             "spans must lie inside the text, be sorted, not overlap and have a type among {types}"),
    "E652": (EXIT_USAGE, "unknown de-identification mode '{mode}'",
             "modes: surrogate, tag, mask, redact"),
    "E653": (EXIT_USAGE, "the surrogate key is shorter than {minimum} bytes",
             "use the workspace de-identification secret (32 random bytes)"),
    "E654": (EXIT_USAGE, "record {record} has no text in field '{field}'",
             "map the text column with --text-field"),
    "E655": (EXIT_USAGE, "the analyzer failed on record {record}: {detail}",
             "the record was set aside in the rejects file; the others went on"),
    "E656": (EXIT_USAGE, "the de-identification analyzer could not be built: {detail}",
             "check the analyzer settings of the workspace (model folders, gazetteer files)"),
    "E657": (EXIT_USAGE, "invalid de-identification option {option}: {detail}",
             "{allowed}"),
    "E660": (EXIT_USAGE, "cannot train the NER: {detail}",
             "give --gold a JSONL file of notes with 'text' and 'phi' spans (the synthetic corpus's notes.jsonl has them); at least 10 notes"),
    "E661": (EXIT_USAGE, "gold record {record} is invalid: {detail}",
             "each gold record needs a string 'text' and 'phi': [{{start, end, type}}] with types among {types}"),
    "E662": (EXIT_USAGE, "{path} is not empty",
             "choose a new or empty folder for the NER model; nothing was overwritten"),
    # --- E7xx relevance, masking
    # --- E8xx training, export, scoring
}


class DsmError(Exception):
    """An error the user can act on: a stable code, one-line message, a hint, an exit code."""

    def __init__(self, code: str, message: str, hint: str = "", exit_code: int = EXIT_USAGE):
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "hint": self.hint,
                "exit_code": self.exit_code}


def error(code: str, **fields) -> DsmError:
    """Build the catalogued error `code`, filling its templates with `fields`."""
    exit_code, message, hint = CATALOGUE[code]
    return DsmError(code, message.format(**fields), hint.format(**fields), exit_code)
