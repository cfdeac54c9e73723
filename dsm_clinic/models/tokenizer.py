"""The byte-level BPE tokenizer of the embedded base model, trained on site on the corpus.

Byte-level BPE needs no unknown token: every byte has a symbol, so any Italian text (accents,
typos, odd punctuation in notes) encodes and decodes back to itself. No normaliser runs, for
the same reason: NFC/NFD folding would break the round trip and the character offsets that
relevance maps rely on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import PreTrainedTokenizerFast

from dsm_clinic.errors import error

PAD_TOKEN = "<pad>"
EOS_TOKEN = "<|endoftext|>"
BOS_TOKEN = EOS_TOKEN  # GPT-2 style: one end-of-text token separates documents
MASK_TOKEN = "<mask>"  # DecSelfMask replaces relevant words with it
SPECIAL_TOKENS = (PAD_TOKEN, EOS_TOKEN, MASK_TOKEN)

MIN_VOCAB = 256 + len(SPECIAL_TOKENS)  # the byte alphabet plus the special tokens


def train_bpe_tokenizer(
    texts: Iterable[str],
    *,
    vocab_size: int,
    out_dir: str | Path | None = None,
    model_max_length: int = 512,
    min_frequency: int = 2,
    special_tokens: Sequence[str] = SPECIAL_TOKENS,
) -> PreTrainedTokenizerFast:
    """Train a byte-level BPE tokenizer on `texts` and return it as a transformers tokenizer.

    Special tokens get ids 0, 1, 2 in SPECIAL_TOKENS order (pad, end of text, mask); a caller
    may pass fewer (a tokenizer without pad stands in for Llama-3-like tokenizers in tests).
    The vocabulary may come out smaller than `vocab_size` on a small corpus. When `out_dir` is
    given the tokenizer is also saved there (tokenizer.json + tokenizer_config.json).
    Raises DsmError E506 when `vocab_size` cannot hold the byte alphabet and special tokens.
    """
    if vocab_size < MIN_VOCAB:
        raise error("E506", option="vocab_size", detail=f"{vocab_size} is below {MIN_VOCAB}",
                    allowed=f"use at least {MIN_VOCAB} (256 bytes + special tokens)")
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    # trim_offsets=False keeps offsets exact, leading space included, for word grouping
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=list(special_tokens),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    roles = {"bos_token": BOS_TOKEN, "eos_token": EOS_TOKEN, "pad_token": PAD_TOKEN,
             "mask_token": MASK_TOKEN}
    hf = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        model_max_length=model_max_length,
        **{role: t for role, t in roles.items() if t in special_tokens},
    )
    if out_dir is not None:
        hf.save_pretrained(str(out_dir))
    return hf
