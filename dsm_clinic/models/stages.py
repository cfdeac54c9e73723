"""Governed stages for models: `model init` (the embedded default base model), `model info`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from dsm_clinic.governance.guard import Run
from dsm_clinic.governance.stage import StageOptions, stage


class ModelInitOptions(StageOptions):
    corpus: Path = Field(description="notes (JSONL, CSV or Parquet) with a de-identified or "
                                     "synthetic manifest, as the policy requires")
    out: Path = Field(description="the model folder to create (must be new or empty)")
    size: Literal["tiny", "small"] = Field("tiny", description="model size preset")
    max_minutes: float = Field(2.0, gt=0, description="time budget for the whole run")
    seed: int = Field(0, description="random seed")
    max_steps: int | None = Field(None, ge=1, description="stop after this many steps")
    resume: bool = Field(False, description="continue from the checkpoint in OUT")
    text_field: str = Field("text", description="the column holding the note text")
    rejects: Path | None = Field(None, description="where unreadable corpus records go "
                                                   "(default: OUT-corpus-rejects.jsonl)")


@stage("model init", options=ModelInitOptions, note_inputs=("corpus",))
def model_init(run: Run, opts: ModelInitOptions):
    """Train a tokenizer and pretrain a small Llama on the corpus: the embedded default model."""
    from dsm_clinic.io.manifest import artifact_dir, file_ref
    from dsm_clinic.io.records import open_reader
    from dsm_clinic.models.pretrain import init_base_model

    rejects = opts.rejects or opts.out.with_name(opts.out.name + "-corpus-rejects.jsonl")
    with open_reader(opts.corpus, rejects=rejects, text_field=opts.text_field) as reader:
        texts = [rec[opts.text_field] for rec in reader]
    counts = reader.counts.with_written(len(texts)).check("corpus records")
    run.input(opts.corpus, records=counts.read)
    result = init_base_model(
        texts, opts.out, size=opts.size, max_minutes=opts.max_minutes, seed=opts.seed,
        max_steps=opts.max_steps, resume=opts.resume,
        corpus_ref=file_ref(opts.corpus, records=counts.read, base=run.workspace.root),
        parents=[artifact_dir(opts.corpus)], on_progress=run.progress)
    run.output(opts.out)
    if counts.rejected:
        run.output(rejects, records=counts.rejected)
    return {**result.__dict__, "corpus": counts.as_dict(), "rejects": str(rejects) if counts.rejected else None}


class ModelInfoOptions(StageOptions):
    model: Path = Field(description="a local Hugging Face model folder")


@stage("model info", options=ModelInfoOptions, model_inputs=("model",))
def model_info_stage(run: Run, opts: ModelInfoOptions) -> dict:
    """Describe a local model folder: family, parameters, vocabulary, context, special tokens."""
    from dsm_clinic.models.info import model_info

    return model_info(opts.model)
