"""A held-out corpus generator for the independent doubles (tests only; everything here is INVENTED).

Where ``bibkit/testing/corpus`` is built around the 86 example papers, this
generates fresh papers from a seed, with the phenomena turned up:

* many decoys per listing paper: same first words, an added suffix (``-VL``,
  ``v2``, ``, Part II``), numbered sequels of technical reports (``Kestrel2``,
  ``Kestrel3``, ``Kestrel2.5-Coder`` around ``Kestrel2.5``), near-identical
  surveys, ``Comment on "…"`` / ``Reply to Comment on "…"`` / ``Erratum: …``
  (with a one-line abstract and the same authors), and papers with the very
  same title but different work;
* renamed papers (the listing shows v1's title, arXiv the current one), some
  with a moderately revised abstract too, and papers with a minor revision;
* listing titles that differ from arXiv's only by punctuation, case or Unicode
  (curly quotes, dashes, ``&``, ligatures, a trailing full stop), and arXiv
  titles written in TeX (``$\\kappa$-Router``, ``\\textsc{…}``, ``Kagom\\'e``)
  where the listing shows the rendered text;
* non-ASCII and organisation authors; old-style ids (``cond-mat/0601234``);
* listing papers that are not on arXiv (only their decoys are) and listing
  entries that are not papers at all;
* a Hugging Face view of most listing papers (the listing's titles, v1
  summaries, sometimes empty; some missing from search, some 404 by id, one
  carrying a wrong id) and of many decoys, the popular ones ranked first.

:func:`generate` returns a :class:`HeldOut` with the papers for
:class:`~indep_doubles.IndepArxiv`, the records for :class:`~indep_doubles.IndepHf`,
the listing items with the id each must resolve to (``None``: must stay
unresolved) and the listing as pasted text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from indep_doubles import APaper, HfRec

__all__ = ["HeldOut", "Item", "generate"]


@dataclass
class Item:
    title: str
    abstract: str | None
    expect: str | None
    kind: str


@dataclass
class HeldOut:
    papers: list[APaper]
    hf: list[HfRec]
    listing: list[Item]
    kinds: dict[str, str] = field(default_factory=dict)  # arXiv id -> kind

    def text(self, *, abstracts: bool = True) -> str:
        """The listing as a pasted Hugging Face page (chrome, then title / abstract paragraphs)."""
        out = ["Daily Papers", "", "by AK and the research community", "", "Apr 14", ""]
        for it in self.listing:
            out += [it.title, ""]
            if abstracts and it.abstract:
                out += [it.abstract, ""]
        return "\n".join(out) + "\n"

    def truth(self) -> dict[str, str | None]:
        return {it.title: it.expect for it in self.listing}


# =========================================================================== vocabulary

TOPICS = {
    "moe": dict(
        topic=["mixture-of-experts models", "sparse expert routing", "conditional computation"],
        tech=["Expert Routing", "Sparse Gating", "Token-Level Routing", "Expert Pruning", "Load Balancing"],
        task=["Language Modeling", "Machine Translation", "Instruction Following", "Long-Context Inference"],
        data=["C4", "the Pile", "MMLU", "GSM8K", "WMT14"],
        thing=["experts", "routers", "gating networks", "sparse layers"],
    ),
    "vlm": dict(
        topic=["vision-language models", "multimodal alignment", "visual instruction tuning"],
        tech=["Visual Token Compression", "Cross-Modal Attention", "Region Grounding", "Image Tokenizers"],
        task=["Visual Question Answering", "Document Understanding", "Chart Reasoning", "Video Captioning"],
        data=["COCO", "VQAv2", "TextVQA", "ChartQA", "MMBench"],
        thing=["vision encoders", "visual tokens", "image patches", "captions"],
    ),
    "code": dict(
        topic=["code generation", "program synthesis", "automated software repair"],
        tech=["Execution Feedback", "Repository Retrieval", "Test-Driven Decoding", "Self-Debugging"],
        task=["Code Completion", "Bug Fixing", "Unit Test Generation", "Repository-Level Editing"],
        data=["HumanEval", "MBPP", "SWE-bench", "LiveCodeBench", "DS-1000"],
        thing=["programs", "unit tests", "patches", "repositories"],
    ),
    "speech": dict(
        topic=["speech recognition", "spoken language understanding", "speech synthesis"],
        tech=["Streaming Transducers", "Discrete Speech Units", "Prosody Modeling", "Speaker Adaptation"],
        task=["Low-Resource ASR", "Voice Conversion", "Speech Translation", "Speaker Diarization"],
        data=["LibriSpeech", "Common Voice", "VoxCeleb", "FLEURS"],
        thing=["utterances", "acoustic frames", "speakers", "phonemes"],
    ),
    "rl": dict(
        topic=["preference optimization", "reinforcement learning from human feedback", "reward modeling"],
        tech=["Direct Preference Optimization", "Process Reward Models", "Policy Distillation", "KL Regularization"],
        task=["Alignment", "Mathematical Reasoning", "Dialogue Safety", "Agentic Planning"],
        data=["UltraFeedback", "AlpacaEval", "MATH", "HH-RLHF", "Arena-Hard"],
        thing=["reward models", "policies", "preference pairs", "rollouts"],
    ),
    "diffusion": dict(
        topic=["diffusion models", "text-to-video generation", "image editing"],
        tech=["Latent Diffusion", "Consistency Distillation", "Temporal Attention", "Classifier-Free Guidance"],
        task=["Video Generation", "Image Editing", "3D Asset Synthesis", "Super-Resolution"],
        data=["UCF-101", "MSR-VTT", "LAION", "DAVIS", "ImageNet"],
        thing=["denoisers", "latents", "video frames", "sampling steps"],
    ),
    "graph": dict(
        topic=["graph neural networks", "geometric deep learning", "molecular representation learning"],
        tech=["Message Passing", "Graph Transformers", "Equivariant Networks", "Subgraph Sampling"],
        task=["Molecular Property Prediction", "Link Prediction", "Protein Design", "Traffic Forecasting"],
        data=["OGB", "QM9", "ZINC", "PCQM4M"],
        thing=["nodes", "edges", "molecules", "subgraphs"],
    ),
    "robot": dict(
        topic=["robot learning", "vision-language-action models", "embodied agents"],
        tech=["Action Chunking", "Flow Matching Policies", "World Models", "Imitation Learning"],
        task=["Dexterous Manipulation", "Mobile Navigation", "Long-Horizon Planning", "Sim-to-Real Transfer"],
        data=["LIBERO", "CALVIN", "Open X-Embodiment", "RoboSuite"],
        thing=["trajectories", "robot arms", "demonstrations", "action tokens"],
    ),
    "rag": dict(
        topic=["retrieval-augmented generation", "dense retrieval", "open-domain question answering"],
        tech=["Dense Retrieval", "Reranking", "Query Rewriting", "Memory Compression"],
        task=["Multi-Hop Question Answering", "Fact Verification", "Long-Document Summarization", "Citation Generation"],
        data=["Natural Questions", "HotpotQA", "MS MARCO", "FEVER", "TriviaQA"],
        thing=["passages", "retrievers", "queries", "documents"],
    ),
}
PHYSICS = {
    "cond-mat": dict(
        topic=["frustrated magnetism", "quantum spin liquids", "strongly correlated electrons"],
        tech=["Spin Wave Theory", "Density Matrix Renormalization", "Quantum Monte Carlo", "Slave-Boson Mean Field"],
        task=["Kagome Antiferromagnets", "Hubbard Models", "Heavy-Fermion Compounds", "Triangular Lattices"],
        data=["neutron scattering", "specific heat", "NMR relaxation", "muon spin rotation"],
        thing=["spinons", "magnons", "vortices", "domain walls"],
    ),
    "hep-th": dict(
        topic=["supersymmetric gauge theories", "string compactifications", "black hole thermodynamics"],
        tech=["Holographic Renormalization", "Localization", "Anomaly Inflow", "Seiberg Duality"],
        task=["Calabi-Yau Threefolds", "AdS Black Holes", "Chern-Simons Theories", "Matrix Models"],
        data=["the superconformal index", "the partition function", "Wilson loops", "the entropy function"],
        thing=["instantons", "branes", "moduli", "monopoles"],
    ),
}

ADJ = ["Scalable", "Efficient", "Robust", "Unified", "Adaptive", "Lightweight", "Faithful", "Hierarchical",
       "Self-Supervised", "Training-Free", "Data-Efficient", "Compositional", "Interpretable", "Parameter-Efficient"]
PROBLEMS = [
    "their cost grows quickly with model size", "they generalise poorly outside the training distribution",
    "evaluation protocols remain fragmented", "training is notoriously unstable at scale",
    "little is known about when they fail", "most systems still depend on expensive human annotation",
    "inference latency limits deployment on commodity hardware", "errors compound over long horizons",
    "existing benchmarks saturate quickly", "reproducing published numbers is surprisingly hard",
]
DRIVERS = ["ever larger pretraining corpora", "careful data curation", "architectural tricks that rarely transfer",
           "hand-designed heuristics", "proprietary evaluation suites", "massive compute budgets"]
KINDS = ["framework", "architecture", "training recipe", "benchmark", "toolkit", "objective", "inference algorithm"]
DOES = ["decouples {a} from {b}", "learns to allocate capacity between {a} and {b}", "aligns {a} with {b}",
        "replaces {a} with cheap estimates of {b}", "jointly optimises {a} and {b}", "distils {a} into {b}"]
HOW = ["a two-stage curriculum", "an auxiliary contrastive loss", "a lightweight verifier", "a learned scheduler",
       "a sparse mixture of adapters", "bootstrapped pseudo-labels", "a cache of intermediate states"]
INSIGHTS = ["most of the signal is carried by a small subset of {a}", "{a} and {b} fail in complementary ways",
            "calibration matters more than raw accuracy for {a}", "the bottleneck lies in {a}, not in {b}"]
METRICS = ["accuracy", "exact match", "F1", "pass@1", "word error rate", "success rate", "FID", "BLEU"]
BASELINES = ["strong open baselines", "prior state-of-the-art systems", "dense counterparts of equal size",
             "commercial APIs", "carefully tuned ablations"]
RESOURCES = ["FLOPs", "GPU hours", "parameters", "training tokens", "labelled examples"]
ORGS = ["nlp-lab", "open-research", "ml-group", "ai-collective", "vision-team"]

GIVEN = ["Wei", "Yuki", "María", "José", "Łukasz", "Søren", "Émilie", "Zoë", "Ngozi", "Björn", "Ayşe", "Thanh",
         "Priya", "Arjun", "Olga", "Dmitri", "Hannah", "Felix", "Chloé", "Tomás", "Ji-woo", "Mehmet", "Aisha",
         "Kai", "Laura", "Omar", "Giulia", "Ingrid", "François", "Sakura"]
FAMILY = ["Müller", "Nowak", "Wiśniewski", "Jørgensen", "Öztürk", "Yılmaz", "Dvořák", "Šimek", "Lefèvre",
          "García", "Rodríguez", "Nguyễn", "Tanaka", "Kim", "Okafor", "Ivanova", "Patel", "Iyer", "Chen", "Zhang",
          "Rossi", "Schmidt", "O'Brien", "van der Berg", "de la Cruz", "Haddad", "Sato", "Petrov", "Brown", "Liu"]
SYLLABLES = ["ka", "ves", "tro", "lin", "mar", "qui", "zen", "dor", "pha", "rix", "sel", "nov", "ter", "gal",
             "bri", "mo", "cu", "tal", "fen", "ora", "vy", "lum", "sar", "ent", "pol"]
GREEK = [("\\kappa", "κ"), ("\\lambda", "λ"), ("\\mu", "μ"), ("\\pi_0", "π0"), ("\\sigma", "σ"), ("\\tau", "τ")]


class _Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.names: set[str] = set()
        self.ids: set[str] = set()
        self.titles: set[str] = set()

    # -------------------------------------------------------------- atoms

    def name(self) -> str:
        while True:
            n = "".join(self.r.choice(SYLLABLES) for _ in range(self.r.choice((2, 3)))).capitalize()
            if n not in self.names and len(n) >= 5:
                self.names.add(n)
                return n

    def new_id(self, year: int) -> str:
        while True:
            month = self.r.randint(1, 12)
            yymm = f"{year % 100:02d}{month:02d}"
            num = self.r.randint(1, 19999) if year >= 2015 else self.r.randint(1, 9999)
            pid = f"{yymm}.{num:05d}" if year >= 2015 else f"{yymm}.{num:04d}"
            if pid not in self.ids:
                self.ids.add(pid)
                return pid

    def old_id(self, archive: str, year: int) -> str:
        while True:
            pid = f"{archive}/{year % 100:02d}{self.r.randint(1, 12):02d}{self.r.randint(1, 999):03d}"
            if pid not in self.ids:
                self.ids.add(pid)
                return pid

    def date(self, year: int) -> str:
        return f"{year}-{self.r.randint(1, 12):02d}-{self.r.randint(1, 28):02d}T{self.r.randint(0, 23):02d}:{self.r.randint(0, 59):02d}:11"

    def authors(self, org: str | None = None) -> list[str]:
        people = [f"{self.r.choice(GIVEN)} {self.r.choice(FAMILY)}" for _ in range(self.r.randint(2, 7))]
        return ([org] + people[:2]) if org else list(dict.fromkeys(people))

    # -------------------------------------------------------------- text

    def fill(self, template: str, v: dict, m: str) -> str:
        pick = self.r.choice
        things = list(v["thing"])
        self.r.shuffle(things)
        return template.format(
            M=m, topic=pick(v["topic"]), Topic=pick(v["topic"]).capitalize(), task=pick(v["task"]).lower(),
            tech=pick(v["tech"]).lower(), tech2=pick(v["tech"]).lower(), D1=v["data"][0], D2=pick(v["data"][1:]),
            problem=pick(PROBLEMS), driver=pick(DRIVERS), kind=pick(KINDS), adj=pick(ADJ).lower(),
            does=pick(DOES).format(a=things[0], b=things[1]), how=pick(HOW),
            insight=pick(INSIGHTS).format(a=things[2], b=things[3]), metric=pick(METRICS), base=pick(BASELINES),
            res=pick(RESOURCES), n=self.r.randint(3, 41), n2=round(self.r.uniform(20, 95), 1),
            k=self.r.randint(3, 14), x=self.r.randint(2, 9), org=pick(ORGS), a=things[0], b=things[1],
        )

    OPEN = ["{Topic} has advanced rapidly in recent years, yet {problem}.",
            "Recent progress in {topic} has been driven by {driver}, but {problem}.",
            "Despite rapid advances in {topic}, {problem}.",
            "Existing approaches to {task} typically rely on {driver}, and {problem}.",
            "A central open question in {topic} is why {problem}.",
            "Practitioners working on {task} face a familiar dilemma: {problem}.",
            "Much of the literature on {topic} assumes abundant resources; in practice {problem}.",
            "{Topic} underpins many deployed systems, although {problem}.",
            "It is widely believed that {driver} explains recent gains in {task}.",
            "Benchmarks for {task} reward scale above all else."]
    METHOD = ["In this work, we introduce {M}, a {adj} {kind} that {does}.",
              "We propose {M}, which {does} by means of {how}.",
              "To address this gap, we present {M}, a {adj} {kind} for {task}.",
              "This paper describes {M}, an approach to {task} built on {tech}.",
              "Our contribution, {M}, {does}.",
              "We revisit this assumption and design {M} around {how}.",
              "Here we show that a {adj} {kind}, which we call {M}, suffices.",
              "{M} starts from a simple observation about {a}."]
    DETAIL = ["At its core, {M} combines {tech} with {tech2} through {how}.",
              "Unlike prior work on {task}, our method never requires labelled {b}.",
              "We further design a {adj} module that keeps {a} consistent across stages.",
              "The key insight is that {insight}.",
              "A theoretical analysis shows that the resulting estimator of {a} is unbiased under mild assumptions.",
              "{M} treats {a} as latent variables and infers them with {how}.",
              "We additionally release a curated suite of {k} diagnostic tasks probing {a}.",
              "Training proceeds in {x} phases, each freezing a different subset of {b}.",
              "Crucially, nothing in the pipeline depends on the choice of {tech2}.",
              "The same recipe transfers without change from {D1} to {D2}.",
              "We formalise {task} as constrained optimisation over {a} and solve it with {how}.",
              "An online variant updates {b} after every batch at negligible overhead.",
              "Inspired by {tech}, we replace the usual heuristics with a learned criterion on {a}.",
              "Our implementation fits on a single accelerator with {x} GB of memory."]
    RESULT = ["Experiments on {D1} and {D2} show that {M} improves {metric} by {n}% over {base}.",
              "On {D1}, {M} reaches {n2} {metric}, outperforming {base} while using {x}x fewer {res}.",
              "Across {k} benchmarks, our approach matches or exceeds {base} at a fraction of the cost.",
              "Extensive ablations on {D2} confirm the contribution of each component.",
              "Human evaluation with {k} annotators corroborates the automatic metrics.",
              "We also observe that gains grow with the number of {a}, suggesting favourable scaling.",
              "{M} lifts {metric} from {n} to {n2} on {D2}.",
              "Compared with {base}, it halves {res} without hurting {metric}.",
              "Results hold for {x} model families ranging from small to very large.",
              "Surprisingly, the largest improvements appear on the hardest split of {D1}.",
              "Error analysis reveals that remaining failures concentrate on rare {b}.",
              "A user study with {k} participants prefers our outputs {n}% of the time."]
    CLOSE = ["Code and models are available at https://github.com/{org}/{M}.",
             "We release our data, code and checkpoints to support future research on {task}.",
             "Our findings suggest that {insight}.",
             "We hope {M} will serve as a strong baseline for {task}.",
             "All artefacts will be made public upon publication.",
             "These results call into question the reliance on {driver}.",
             "We discuss limitations and outline directions for {topic}."]

    def abstract(self, v: dict, m: str) -> list[str]:
        """A list of sentences (kept separate so revisions can swap some)."""
        r = self.r
        sents = [self.fill(r.choice(self.OPEN), v, m), self.fill(r.choice(self.METHOD), v, m)]
        sents += [self.fill(t, v, m) for t in r.sample(self.DETAIL, r.randint(2, 3))]
        sents += [self.fill(t, v, m) for t in r.sample(self.RESULT, r.randint(2, 3))]
        sents.append(self.fill(r.choice(self.CLOSE), v, m))
        return sents

    def revise(self, sents: list[str], v: dict, m: str, moderate: bool) -> list[str]:
        out = list(sents)
        if moderate:  # two sentences rewritten, one added: the same paper, noticeably edited
            for i in self.r.sample(range(1, len(out) - 1), 2):
                out[i] = self.fill(self.r.choice(self.DETAIL + self.RESULT), v, m)
            out.insert(len(out) - 1, self.fill(self.r.choice(self.RESULT), v, m))
        else:  # a number and one clause touched
            i = self.r.randrange(len(out))
            out[i] = re.sub(r"\d+(\.\d+)?", lambda mm: str(int(float(mm.group(0))) + 1), out[i], count=1)
            out.append("An extended appendix with additional ablations is now included.")
        return out

    def title(self, v: dict, m: str) -> str:
        r = self.r
        forms = [f"{m}: {r.choice(ADJ)} {r.choice(v['tech'])} for {r.choice(v['task'])}",
                 f"{r.choice(v['tech'])} for {r.choice(v['task'])} with {r.choice(ADJ)} {r.choice(v['thing']).title()}",
                 f"Towards {r.choice(ADJ)} {r.choice(v['task'])} via {r.choice(v['tech'])}",
                 f"{m}: Towards {r.choice(ADJ)} {r.choice(v['task'])}",
                 f"Do {r.choice(v['thing']).title()} Really Need {r.choice(v['tech'])}?",
                 f"When Does {r.choice(v['tech'])} Help {r.choice(v['task'])}? An Empirical Study",
                 f"Rethinking {r.choice(v['tech'])} in {r.choice(v['task'])}",
                 "{m}: {0} and {1} for {task}".format(*r.sample(v["tech"], 2), m=m, task=r.choice(v["task"]))]
        while True:
            t = r.choice(forms)
            if t not in self.titles:
                self.titles.add(t)
                return t


# =========================================================================== listing-title variants


def _variant(r: random.Random, title: str) -> tuple[str, str]:
    """(arXiv's title, the listing's title): the same words, other punctuation / case / Unicode."""
    options = []
    if "-" in title:
        options.append((title, title.replace("-", " ", 1)))
        options.append((title.replace("-", "–", 1), title))
    if ": " in title:
        options.append((title, title.replace(": ", " — ", 1)))
        options.append((title.replace(": ", "：", 1), title))
    if " and " in title:
        options.append((title, title.replace(" and ", " & ")))
        options.append((title, title.replace(" and ", " & ")))
    if "fi" in title or "ffi" in title:
        options.append((title, title.replace("ffi", "ﬃ").replace("fi", "ﬁ")))
    options.append((title + ".", title))
    options.append((title.upper() if len(title) < 60 else title.lower(), title))
    options.append((title, "“" + title.split(": ")[0] + "”" + (": " + title.split(": ", 1)[1] if ": " in title else "")))
    return r.choice(options)


def _tex(r: random.Random, title: str, m: str) -> tuple[str, str]:
    """(arXiv's TeX title, the listing's rendered title)."""
    if title.startswith(m + ":"):
        macro, uni = r.choice(GREEK)
        if r.random() < 0.5:
            return title.replace(m, f"${macro}$-{m}", 1), title.replace(m, f"{uni}-{m}", 1)
        return title.replace(m, f"\\textsc{{{m}}}", 1), title
    return f"{title} with $\\mathcal{{O}}(n)$ Memory", f"{title} with O(n) Memory"


# =========================================================================== the generator


def generate(seed: int = 7, *, targets: int = 44, absent: int = 6, background: int = 40) -> HeldOut:
    g = _Gen(seed)
    r = g.r
    papers: list[APaper] = []
    hf: list[HfRec] = []
    listing: list[Item] = []
    kinds: dict[str, str] = {}

    def add(p: APaper) -> APaper:
        papers.append(p)
        kinds[p.id] = p.kind
        return p

    def hf_add(p: APaper, title: str, summary: str | None, *, upvotes: int, **kw) -> None:
        hf.append(HfRec(p.id, title, summary, list(p.authors), p.versions[0][2], upvotes=upvotes, **kw))

    target_kinds = (["plain"] * 8 + ["minor"] * 5 + ["renamed"] * 6 + ["renamed-revised"] * 5 + ["variant"] * 8
                    + ["tex"] * 5 + ["report"] * 4 + ["survey"] * 3)
    while len(target_kinds) < targets:
        target_kinds.append(r.choice(["plain", "variant", "renamed", "minor"]))
    target_kinds = target_kinds[:targets]
    r.shuffle(target_kinds)
    topics = list(TOPICS)
    report_versions = ["2", "2.5", "3", "1.5"]

    for n, kind in enumerate(target_kinds):
        topic = topics[n % len(topics)]
        v = TOPICS[topic]
        m = g.name()
        year = r.choice([2023, 2024, 2025])
        org = None
        if kind == "report":
            ver = report_versions[n % len(report_versions)]
            title = f"{m}{ver} Technical Report"
            g.titles.add(title)
            org = f"{m} Team"
        elif kind == "survey":
            subject = r.choice(v["topic"])
            title = f"A Survey on {subject.title()}"
            while title in g.titles:  # listing titles are unique (they key the ground truth)
                subject = f"{r.choice(ADJ)} {subject}"
                title = f"A Survey on {subject.title()}"
            g.titles.add(title)
            m = subject
        else:
            title = g.title(v, m)
        sents = g.abstract(v, m)
        v1_abs = " ".join(sents)
        v1_title = listing_title = title
        versions = [(v1_title, v1_abs, g.date(year))]
        if kind == "minor":
            versions.append((title, " ".join(g.revise(sents, v, m, moderate=False)), g.date(year)))
        elif kind in ("renamed", "renamed-revised"):
            new_title = g.title(TOPICS[topic], m if r.random() < 0.5 else g.name())
            new_abs = " ".join(g.revise(sents, v, m, moderate=True)) if kind == "renamed-revised" else v1_abs
            versions.append((new_title, new_abs, g.date(year)))
        elif kind == "variant":
            arxiv_title, listing_title = _variant(r, title)
            versions = [(arxiv_title, v1_abs, versions[0][2])]
        elif kind == "tex":
            arxiv_title, listing_title = _tex(r, title, m)
            versions = [(arxiv_title, v1_abs, versions[0][2])]
        pid = g.new_id(year)
        cats = {"moe": "cs.LG", "vlm": "cs.CV", "code": "cs.SE", "speech": "eess.AS", "rl": "cs.LG",
                "diffusion": "cs.CV", "graph": "cs.LG", "robot": "cs.RO", "rag": "cs.CL"}
        target = add(APaper(pid, versions, g.authors(org), [cats[topic], "cs.AI"], boost=r.uniform(0.8, 1.2),
                            kind=f"target:{kind}"))
        listing.append(Item(listing_title, v1_abs, pid, kind))
        # --- its Hugging Face view
        roll = r.random()
        if roll < 0.72:
            summary: str | None = v1_abs
            if r.random() < 0.12:
                summary = r.choice(["", None])
            hf_add(target, listing_title, summary, upvotes=r.randint(0, 40),
                   searchable=r.random() > 0.1, by_id=r.random() > 0.1,
                   github=f"https://github.com/{r.choice(ORGS)}/{m.replace(' ', '-')}" if r.random() < 0.5 else None)
        # --- its decoys
        _decoys(g, add, hf_add, target, title, sents, v, m, topic, kind, year, cats[topic])

    # one HF record carrying a wrong id: HF's title and summary of a listing paper, the id of another paper
    victim = next(it for it in listing if it.kind == "plain")
    other = next(p for p in papers if p.kind.startswith("decoy:same-title") or p.kind.startswith("decoy:prefix"))
    hf = [h for h in hf if h.id != victim.expect]
    hf = [h for h in hf if h.id != other.id]
    hf.append(HfRec(other.id, victim.title, victim.abstract, ["Somebody Else"], other.versions[0][2], upvotes=99))

    # --- old-style physics papers (TeX titles and accents on arXiv)
    for archive, year in (("cond-mat", 2006), ("hep-th", 1999), ("cond-mat", 2004)):
        v = PHYSICS["cond-mat" if archive == "cond-mat" else "hep-th"]
        m = g.name()
        task = r.choice(v["task"])
        rendered = f"Spin Liquid Ground State of the S=1/2 {task} near the Kagomé Point" if archive == "cond-mat" \
            else f"Exact Results for {task} from {r.choice(v['tech'])}"
        while rendered in g.titles:
            rendered = rendered.replace(" near ", " close to ").replace(" from ", " via ", 1) + " Revisited"
        g.titles.add(rendered)
        tex = rendered.replace("S=1/2", "$S=1/2$").replace("Kagomé", "Kagom\\'e")
        sents = g.abstract(v, m)
        pid = g.old_id(archive, year)
        add(APaper(pid, [(tex, " ".join(sents), g.date(year))], g.authors(), [f"{archive}", "quant-ph"],
                       journal_ref=f"Phys. Rev. B {r.randint(60, 80)}, {r.randint(100000, 199999)} ({year + 1})",
                       doi=f"10.1103/PhysRevB.{r.randint(60, 80)}.{r.randint(100000, 199999)}", kind="target:old"))
        listing.append(Item(rendered, " ".join(sents), pid, "old"))
        # a same-first-words decoy in the same archive
        d_sents = g.abstract(v, g.name())
        add(APaper(g.old_id(archive, year + 1), [(tex.split(" of ")[0] + " of Frustrated Ladders", " ".join(d_sents),
                                                  g.date(year + 1))], g.authors(), [archive], kind="decoy:prefix"))

    # --- listing papers that are NOT on arXiv (their decoys are)
    for n in range(absent):
        topic = topics[(n * 5) % len(topics)]
        v = TOPICS[topic]
        m = g.name()
        title = g.title(v, m)
        sents = g.abstract(v, m)
        listing.append(Item(title, " ".join(sents), None, "absent"))
        fake = APaper("", [(title, " ".join(sents), g.date(2024))], g.authors(), ["cs.LG"], kind="absent")
        _decoys(g, add, hf_add, fake, title, sents, v, m, topic, "absent", 2024, "cs.LG", absent=True)

    # --- entries that are not papers at all
    for title, text in NOT_PAPERS:
        listing.append(Item(title, text, None, "not-a-paper"))

    # --- background papers, so that relevance has a crowd to rank
    for n in range(background):
        topic = topics[n % len(topics)]
        v = TOPICS[topic]
        m = g.name()
        add(APaper(g.new_id(r.choice([2022, 2023, 2024])), [(g.title(v, m), " ".join(g.abstract(v, m)), g.date(2023))],
                   g.authors(), ["cs.LG"], boost=r.uniform(0.5, 2.0), kind="background"))

    # identifiers in the text: abstracts citing *another* paper's id (old-style too), one giving its own HF page
    by_id = {p.id: p for p in papers}
    plain = [it for it in listing if it.kind == "plain"]
    others = [p for p in papers if p.kind.startswith("decoy:") or p.kind == "target:old"]
    for it, cited, own in ((plain[0], r.choice(others), False), (plain[1], next(p for p in papers if p.kind == "target:old"), False),
                           (plain[2], None, True)):
        extra = (f" Models are listed on https://huggingface.co/papers/{it.expect} ." if own
                 else f" This extends the analysis of arXiv:{cited.id} to new settings.")
        target = by_id[it.expect]
        target.versions = [(t, a + extra, d) for t, a, d in target.versions]
        it.abstract = (it.abstract or "") + extra
        for h in hf:
            if h.id == it.expect and h.summary:
                h.summary += extra

    order = list(range(len(listing)))
    r.shuffle(order)
    listing = [listing[i] for i in order]
    return HeldOut(papers, hf, listing, kinds)


def _decoys(g: _Gen, add, hf_add, target: APaper, title: str, sents: list[str], v: dict, m: str, topic: str,
            kind: str, year: int, cat: str, *, absent: bool = False) -> None:
    """Papers that look like ``target`` and are not it."""
    r = g.r

    def decoy(dkind: str, dtitle: str, dabs: str, authors: list[str] | None = None, boost: float | None = None,
              on_hf: float = 0.35) -> APaper:
        p = add(APaper(g.new_id(r.choice([year, year + 1])), [(dtitle, dabs, g.date(year))],
                       authors or g.authors(), [cat], boost=boost or r.uniform(1.0, 2.5), kind=f"decoy:{dkind}"))
        if r.random() < on_hf:
            hf_add(p, dtitle, dabs, upvotes=r.randint(30, 300))  # popular: outranks the listing paper on HF
        return p

    other = lambda: " ".join(g.abstract(v, g.name()))  # noqa: E731 - same topic, different work
    words = title.split()
    if kind == "report":
        base = re.match(r"(.*?)(\d+(?:\.\d+)?) Technical Report", title)
        assert base
        name, ver = base.group(1), base.group(2)
        major = int(float(ver))
        for t in (f"{name}{major + 1} Technical Report", f"{name}{ver}-Coder Technical Report",
                  f"{name}{ver}-VL Technical Report", f"{name}{max(1, major - 1)} Technical Report"):
            series = [sents[0]] + g.abstract(v, m)[1:]  # a series shares its opening sentence
            decoy("sequel", t, " ".join(series), authors=target.authors, on_hf=0.6)
        return
    if kind == "survey":
        subject = title.removeprefix("A Survey on ")
        for t in (f"A Survey on {subject}: Algorithms, Theory, and Applications", f"A Comprehensive Survey on {subject}",
                  f"{subject}: A Survey", f"A Survey on {subject} for Computer Vision"):
            decoy("survey", t, other())
        decoy("same-title", title, other())
        return
    picks = r.sample(["prefix", "suffix", "part2", "comment", "erratum", "same-title", "reply", "v2"], r.randint(3, 6))
    if absent:
        picks = list(dict.fromkeys(["same-title", "erratum", "part2"] + picks))
    for p in picks:
        if p == "prefix":
            decoy("prefix", " ".join(words[:3]) + " " + g.title(v, g.name()).split(" ", 2)[-1], other())
        elif p == "suffix" and ":" in title:
            head, tail = title.split(":", 1)
            decoy("suffix", f"{head}-VL:{tail}", other())
        elif p == "v2" and ":" in title:
            head, tail = title.split(":", 1)
            decoy("v2", f"{head} v2:{tail}", " ".join([sents[0]] + g.abstract(v, m)[1:]), authors=target.authors)
        elif p == "part2":
            decoy("part2", f"{title}, Part II", " ".join([sents[0]] + g.abstract(v, m)[1:]), authors=target.authors)
        elif p == "comment":
            quoted = r.choice(sents[1:-1])
            decoy("comment", f'Comment on "{title}"',
                  f'In a recent preprint, the authors of "{title}" claim the following. {quoted} '
                  f"We show that this claim does not hold once {r.choice(PROBLEMS)} is taken into account, "
                  f"and we reproduce the main experiment with corrected evaluation scripts.", on_hf=0.2)
        elif p == "reply":
            decoy("reply", f'Reply to Comment on "{title}"',
                  f"We respond to the comment on our paper. {r.choice(sents[1:-1])} "
                  "We argue that the criticism rests on a misreading of the evaluation protocol and "
                  "provide additional evidence supporting the original conclusions.", authors=target.authors, on_hf=0)
        elif p == "erratum":
            decoy("erratum", f"Erratum: {title}", "This erratum corrects Table 2 of the original article.",
                  authors=target.authors, on_hf=0)
        elif p == "same-title":
            decoy("same-title", title, other(), on_hf=0.5)


NOT_PAPERS = [
    ("Join the Open Research Community",
     "Sign up to receive a weekly digest of the most discussed papers, curated by volunteers from around the world. "
     "Members get early access to our reading groups, can vote on upcoming topics, and may propose speakers. "
     "Registration is free and takes less than two minutes. Unsubscribe at any time from your account settings."),
    ("Introducing Kestrel Studio for Teams",
     "Kestrel Studio is a hosted workspace where research teams annotate, compare and share model outputs. "
     "Today we are opening the beta to all academic labs with generous free quotas. Bring your own checkpoints, "
     "invite collaborators, and export every annotation as JSON. Read the launch post to learn more."),
    ("Dataset card: OpenRoute-1M",
     "OpenRoute-1M contains one million routing decisions logged from public mixture-of-experts checkpoints, "
     "released under a permissive license for research use. Each record lists the token, the layer, the chosen "
     "experts and their gate values. The dataset is versioned and mirrored on two hosting providers."),
]
