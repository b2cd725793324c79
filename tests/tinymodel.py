"""Build a tiny but real English->Chinese Argos package for the test suite.

A SentencePiece model and a 2-layer Transformer are trained on CORPUS (30 sentence
pairs) until the model has memorised them, exported through CTranslate2's
TransformerSpec, and zipped as a `.argosmodel` whose single top-level entry is the
package folder (what `argostranslate.package.install_from_path` expects). A blank
spaCy pipeline goes into `spacy/`, so that argostranslate's own `translate()` can
split sentences offline (`ARGOS_CHUNK_TYPE=SPACY`) and the tests can compare with it.

Run as a script to build one by hand: `python tests/tinymodel.py OUTDIR`.
"""

from __future__ import annotations

import json
import math
import sys
import zipfile
from pathlib import Path
from typing import Any

PACKAGE = "translate-en_zh-tiny"

CORPUS: tuple[tuple[str, str], ...] = (
    ("The State Council Information Office released a white paper on Sunday.",
     "国务院新闻办公室周日发布了一份白皮书。"),
    ("The white paper has eight parts.", "白皮书共分为八个部分。"),
    ("The fair will open in Beijing next month.", "交易会将于下月在北京开幕。"),
    ("Exports of services grew by eight percent.", "服务出口增长了百分之八。"),
    ("The minister met foreign guests on Monday.", "部长周一会见了外国客人。"),
    ("More than two thousand companies took part in the fair.", "两千多家企业参加了交易会。"),
    ("The city opened a new railway station.", "这座城市开通了一座新火车站。"),
    ("Prices fell slightly in March.", "三月份价格略有下降。"),
    ("The central bank raised interest rates.", "中央银行提高了利率。"),
    ("Farmers expect a good harvest this year.", "农民预计今年会有好收成。"),
    ("The museum will close for repairs.", "博物馆将闭馆维修。"),
    ("Two new bridges were completed last year.", "去年建成了两座新桥。"),
    ("The company hired five hundred workers.", "该公司雇用了五百名工人。"),
    ("Snow closed several roads in the north.", "大雪导致北方多条道路封闭。"),
    ("The report was published on Friday.", "报告于周五发布。"),
    ("Tourists returned to the old town.", "游客们回到了古城。"),
    ("The hospital treated forty patients.", "医院救治了四十名病人。"),
    ("Trade between the two countries increased.", "两国之间的贸易增加了。"),
    ("The festival attracted many visitors.", "节日吸引了许多游客。"),
    ("Good evening.", "晚上好。"),
    ("See you tomorrow.", "明天见。"),
    ("The school received new computers.", "学校收到了新电脑。"),
    ("The train arrived on time.", "火车准时到达。"),
    ("The river flooded after heavy rain.", "大雨过后河水泛滥。"),
    ("Scientists launched a new satellite.", "科学家发射了一颗新卫星。"),
    ("The mayor opened the new library.", "市长为新图书馆揭幕。"),
    ("Sales of electric cars doubled.", "电动汽车销量翻了一番。"),
    ("The talks will continue next week.", "会谈将于下周继续。"),
    ("Volunteers cleaned the beach on Saturday.", "志愿者周六清理了海滩。"),
    ("Thank you.", "谢谢。"),
)

D_MODEL, HEADS, FFN_DIM, LAYERS, MAX_POSITIONS = 64, 4, 128, 2, 512
PAD, BOS, EOS = 3, 1, 2


def train_sentencepiece(folder: Path, sentences: list[str], vocab_size: int = 400) -> Path:
    """A joint en+zh SentencePiece model (ids: unk 0, <s> 1, </s> 2, <pad> 3)."""
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_prefix=str(folder / "sentencepiece"),
        vocab_size=vocab_size, hard_vocab_limit=False, model_type="unigram", character_coverage=1.0,
        normalization_rule_name="identity", pad_id=PAD, pad_piece="<pad>", minloglevel=2,
    )
    return folder / "sentencepiece.model"


def write_package(package: Path, archive: Path, metadata: dict[str, Any]) -> Path:
    """Add metadata.json and a blank spaCy splitter, then zip `package` as an .argosmodel."""
    import spacy

    spacy.blank("en").to_disk(package / "spacy")
    (package / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    (package / "README.md").write_text("Test-only model built by tests/tinymodel.py.\n", encoding="utf-8")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(package.rglob("*")):
            bundle.write(path, path.relative_to(package.parent))
    return archive


def metadata(version: str = "0.1") -> dict[str, Any]:
    return {"package_version": version, "argos_version": "1.9", "type": "translate",
            "from_code": "en", "from_name": "English", "to_code": "zh", "to_name": "Chinese", "links": []}


def build_tiny_model(out: Path, steps: int = 150) -> Path:
    """Train and package the tiny model under `out`; returns the .argosmodel path."""
    import numpy as np
    import sentencepiece as spm
    import torch
    from torch import nn
    from torch.nn import functional

    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # measured: 2 threads were 4x slower on a busy 2-core machine
    package = out / PACKAGE
    (package / "model").mkdir(parents=True)
    train_sentencepiece(package, [s for pair in CORPUS for s in pair])
    processor = spm.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    vocab = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    size = len(vocab)
    positions = torch.tensor(_sinusoids(MAX_POSITIONS, D_MODEL))

    class Attention(nn.Module):
        def __init__(self, self_attention: bool) -> None:
            super().__init__()
            self.self_attention = self_attention
            self.norm = nn.LayerNorm(D_MODEL, eps=1e-6)
            if self_attention:
                self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
            else:
                self.q = nn.Linear(D_MODEL, D_MODEL)
                self.kv = nn.Linear(D_MODEL, 2 * D_MODEL)
            self.out = nn.Linear(D_MODEL, D_MODEL)

        def forward(self, x: Any, memory: Any = None, mask: Any = None) -> Any:
            y = self.norm(x)
            if self.self_attention:
                q, k, v = self.qkv(y).chunk(3, -1)
            else:
                q = self.q(y)
                k, v = self.kv(memory).chunk(2, -1)
            batch, length, _ = q.shape
            head = D_MODEL // HEADS
            q, k, v = (t.view(batch, -1, HEADS, head).transpose(1, 2) for t in (q, k, v))
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(head)
            if mask is not None:
                scores = scores.masked_fill(mask, float("-inf"))
            return x + self.out((scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, D_MODEL))

    class FeedForward(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.norm = nn.LayerNorm(D_MODEL, eps=1e-6)
            self.inner = nn.Linear(D_MODEL, FFN_DIM)
            self.outer = nn.Linear(FFN_DIM, D_MODEL)

        def forward(self, x: Any) -> Any:
            return x + self.outer(functional.relu(self.inner(self.norm(x))))

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(size, D_MODEL)  # shared by source, target and projection input
            self.encoder = nn.ModuleList(
                [nn.ModuleList([Attention(True), FeedForward()]) for _ in range(LAYERS)])
            self.encoder_norm = nn.LayerNorm(D_MODEL, eps=1e-6)
            self.decoder = nn.ModuleList(
                [nn.ModuleList([Attention(True), Attention(False), FeedForward()]) for _ in range(LAYERS)])
            self.decoder_norm = nn.LayerNorm(D_MODEL, eps=1e-6)
            self.projection = nn.Linear(D_MODEL, size)

        def embed(self, ids: Any) -> Any:
            return self.embedding(ids) * math.sqrt(D_MODEL) + positions[: ids.shape[1]]

        def forward(self, source: Any, target: Any) -> Any:
            padding = (source == PAD)[:, None, None, :]
            x = self.embed(source)
            for attention, feed in self.encoder:
                x = feed(attention(x, mask=padding))
            memory = self.encoder_norm(x)
            length = target.shape[1]
            causal = torch.triu(torch.ones(length, length, dtype=torch.bool), 1)[None, None]
            y = self.embed(target)
            for attention, cross, feed in self.decoder:
                y = feed(cross(attention(y, mask=causal), memory=memory, mask=padding))
            return self.projection(self.decoder_norm(y))

    def pad(rows: list[list[int]]) -> Any:
        width = max(map(len, rows))
        return torch.tensor([row + [PAD] * (width - len(row)) for row in rows])

    sources = pad([processor.encode(en) for en, _ in CORPUS])
    targets = [processor.encode(zh) for _, zh in CORPUS]
    target_in = pad([[BOS, *t] for t in targets])
    target_out = pad([[*t, EOS] for t in targets])
    model = Model()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(steps):
        logits = model(sources, target_in)
        loss = functional.cross_entropy(logits.reshape(-1, size), target_out.reshape(-1), ignore_index=PAD)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    torch.set_num_threads(threads)
    model.eval()

    from ctranslate2.specs import TransformerSpec

    def array(tensor: Any) -> Any:
        return tensor.detach().cpu().numpy().astype(np.float32)

    def norm(spec: Any, layer: Any) -> None:
        spec.gamma, spec.beta = array(layer.weight), array(layer.bias)

    def linear(spec: Any, layer: Any) -> None:
        spec.weight, spec.bias = array(layer.weight), array(layer.bias)

    spec = TransformerSpec.from_config(LAYERS, HEADS)
    embedding = array(model.embedding.weight)
    spec.encoder.embeddings[0].weight = embedding
    spec.encoder.position_encodings.encodings = positions.numpy()
    norm(spec.encoder.layer_norm, model.encoder_norm)
    for layer, (attention, feed) in zip(spec.encoder.layer, model.encoder):
        norm(layer.self_attention.layer_norm, attention.norm)
        linear(layer.self_attention.linear[0], attention.qkv)
        linear(layer.self_attention.linear[1], attention.out)
        norm(layer.ffn.layer_norm, feed.norm)
        linear(layer.ffn.linear_0, feed.inner)
        linear(layer.ffn.linear_1, feed.outer)
    spec.decoder.embeddings.weight = embedding
    spec.decoder.position_encodings.encodings = positions.numpy()
    norm(spec.decoder.layer_norm, model.decoder_norm)
    for layer, (attention, cross, feed) in zip(spec.decoder.layer, model.decoder):
        norm(layer.self_attention.layer_norm, attention.norm)
        linear(layer.self_attention.linear[0], attention.qkv)
        linear(layer.self_attention.linear[1], attention.out)
        norm(layer.attention.layer_norm, cross.norm)
        linear(layer.attention.linear[0], cross.q)
        linear(layer.attention.linear[1], cross.kv)
        linear(layer.attention.linear[2], cross.out)
        norm(layer.ffn.layer_norm, feed.norm)
        linear(layer.ffn.linear_0, feed.inner)
        linear(layer.ffn.linear_1, feed.outer)
    linear(spec.decoder.projection, model.projection)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=None)
    spec.save(str(package / "model"))
    return write_package(package, out / f"{PACKAGE}.argosmodel", metadata())


def _sinusoids(length: int, dim: int) -> Any:
    import numpy as np

    position = np.arange(length)[:, None]
    inverse = np.exp(-math.log(10000.0) * np.arange(0, dim, 2) / dim)
    table = np.zeros((length, dim), dtype=np.float32)
    table[:, 0::2] = np.sin(position * inverse)
    table[:, 1::2] = np.cos(position * inverse)
    return table


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tinymodel.py OUTDIR")
    print(build_tiny_model(Path(sys.argv[1])))
