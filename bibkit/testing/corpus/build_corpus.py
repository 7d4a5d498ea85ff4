"""Rebuild ``papers.json`` (the SYNTHETIC corpus of the arXiv and HF doubles) from the example listing.

Run from the repository root::

    python -m bibkit.testing.corpus.build_corpus examples/hf-trending-papers.txt

Everything this writes is invented: arXiv ids are fake but well-formed and
stable (derived from a hash of the title), authors are drawn from a pool of
plausible names, dates/categories/comments are plausible, decoys are written
by hand.  Titles and abstracts of the 86 listing papers are the listing's own.
The point is not to mirror arXiv but to reproduce its *phenomena*: confusable
titles, same-title papers, renamed papers, revised abstracts, old-style ids,
journal DOIs, organisation and non-ASCII authors, papers Hugging Face does not
know, papers that are not on arXiv at all.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------- name pools

GIVEN = """Wei Jian Yuxuan Haoran Xin Li Zhiyuan Mingyu Siyu Qian Yifan Jiaqi Zihan Ruoxi Kai Ananya Rahul Priya Arjun
Kavya María José Lucía Javier Sofía Matteo Giulia Luca Lukas Jonas Hannah Felix Łukasz Agnieszka Søren Ingrid Björn
Émilie Théo Camille Chloé François Olga Dmitri Yuki Hiroshi Sakura Min-jun Ji-woo Seo-yeon Emily Michael Sarah David
James Laura Kevin Aisha Omar Fatima Mehmet Ayşe Thanh Linh Noah Elena Tomás Zoë Ngozi Chidi""".split()
FAMILY = """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Sharma Patel Gupta Iyer
Reddy García Martínez Rodríguez López Rossi Bianchi Ferrari Müller Schmidt Schneider Fischer Weber Kowalski Nowak
Wiśniewski Jørgensen Nielsen Öztürk Yılmaz Dubois Lefèvre Moreau Ivanova Petrov Tanaka Suzuki Sato Kim Park Lee Choi
Smith Johnson Brown Miller Davis Nguyen Tran Haddad Hassan Okafor Eze Novák Dvořák Šimek""".split()
PARTICLED = ["Anna van der Berg", "Pedro de la Cruz", "Lena von Hohenberg", "Sean O'Brien", "Marie-Claire Dupont"]
AFFILIATIONS = ["Tsinghua University", "Peking University", "ETH Zürich", "University of Oxford", "MIT",
                "Stanford University", "Université Paris-Saclay", "Technische Universität München", "KAIST",
                "University of Tokyo", "IIT Bombay", "Universidad de Buenos Aires", "Microsoft Research",
                "Alibaba Group", "Shanghai AI Laboratory"]


def _h(text: str, salt: str = "") -> int:
    return int(hashlib.sha256((salt + text).encode("utf-8")).hexdigest(), 16)


def _pick(pool: list[str], seed: int, k: int) -> list[str]:
    out: list[str] = []
    i = 0
    while len(out) < k:
        item = pool[(seed >> (i * 7)) % len(pool) if i < 30 else (seed + i * 31) % len(pool)]
        if item not in out:
            out.append(item)
        i += 1
    return out


def make_authors(title: str, n: int | None = None) -> list[dict[str, Any]]:
    seed = _h(title, "authors")
    n = n or 3 + seed % 8
    given = _pick(GIVEN, seed, n)
    family = _pick(FAMILY, seed >> 3, n)
    names = [f"{g} {f}" for g, f in zip(given, family)]
    if seed % 9 == 0:
        names[-1] = PARTICLED[seed % len(PARTICLED)]
    out = []
    for i, name in enumerate(names):
        a: dict[str, Any] = {"name": name}
        if (seed >> (i + 11)) % 5 == 0:
            a["affiliation"] = [AFFILIATIONS[(seed >> (i + 2)) % len(AFFILIATIONS)]]
        out.append(a)
    return out


# --------------------------------------------------------------------------- ids and dates

_USED: set[str] = set()


def make_id(title: str, yymm: str | None = None) -> str:
    seed = _h(title, "id")
    if yymm is None:
        months = [f"{y:02d}{m:02d}" for y in (23, 24) for m in range(1, 13)] + [f"25{m:02d}" for m in (1, 2, 3)]
        yymm = months[seed % len(months)]
    num = 1 + (seed >> 8) % 19999
    while True:
        candidate = f"{yymm}.{num:05d}"
        if candidate not in _USED:
            _USED.add(candidate)
            return candidate
        num += 1


def stamp(arxiv_id: str, salt: str, day_offset: int = 0) -> str:
    yymm = arxiv_id.split(".")[0]
    year, month = 2000 + int(yymm[:2]), int(yymm[2:])
    seed = _h(arxiv_id, salt)
    day = min(28, 1 + seed % 27 + day_offset)
    return f"{year:04d}-{month:02d}-{day:02d}T{seed % 24:02d}:{(seed >> 5) % 60:02d}:{(seed >> 11) % 60:02d}Z"


def later(date: str, months: int, salt: str) -> str:
    year, month = int(date[:4]), int(date[5:7]) + months
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    seed = _h(date, salt)
    return f"{year:04d}-{month:02d}-{1 + seed % 27:02d}T{seed % 24:02d}:{(seed >> 5) % 60:02d}:{(seed >> 11) % 60:02d}Z"


def categories_for(title: str, abstract: str) -> list[str]:
    text = (title + " " + abstract).lower()
    if any(w in text for w in ("motion", "image", "vision", "ophthalm", "ocr", "text reading")):
        cats = ["cs.CV", "cs.AI"]
    elif any(w in text for w in ("clinical", "medical", "medicine", "disease", "health", "diagnos")):
        cats = ["cs.CL", "cs.AI"]
    elif any(w in text for w in ("code", "software", "leaderboard", "repositor")):
        cats = ["cs.SE", "cs.CL"]
    elif any(w in text for w in ("mixture-of-experts", "mixture of experts", "moe", "sparse", "parallelism")):
        cats = ["cs.LG", "cs.CL"]
    else:
        cats = ["cs.CL", "cs.AI", "cs.LG"]
    if "distributed" in text or "parallelism" in text:
        cats.append("cs.DC")
    return cats


def keywords_for(title: str) -> list[str]:
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9.\-]+", title) if len(w) > 3]
    stop = {"with", "from", "towards", "toward", "their", "into", "via", "using", "the", "and", "for", "large"}
    kws = [w.strip(".-") for w in words if w.lower() not in stop]
    return list(dict.fromkeys(k.lower() if not k.isupper() else k for k in kws))[:5]


# --------------------------------------------------------------------------- the listing's special cases

#: listing index -> what is special about it (see README.md in this directory)
SPECIAL: dict[int, dict[str, Any]] = {
    # HF does not know these: the arXiv title step must find them
    7: {"hf": False},  # SUPER: ... (colon)
    17: {"hf": False},  # Do We Still Need Clinical Language Models? — a same-title decoy exists
    25: {"hf": False, "doi": "10.1017/S1351324923000542", "journal_ref": "Natural Language Engineering 30(5), 887-914 (2024)",
         "comment": "Published in Natural Language Engineering. Models: https://huggingface.co/nlpie"},
    35: {"hf": False, "doi": "10.1145/3531146.3533108",
         "journal_ref": "2022 ACM Conference on Fairness, Accountability, and Transparency (FAccT '22)"},
    37: {"hf": False},  # BAM! Just Like That: ...
    39: {"hf": False},  # ... MoE Models' Power ...
    40: {"hf": False},  # The Ultimate Guide to Fine-Tuning LLMs ...
    42: {"hf": False},  # ... 100+ NLP Researchers
    50: {"hf": False},  # ... Wilson's Disease
    68: {"hf": False},
    78: {"hf": False},  # Tool Learning with Foundation Models — a same-title decoy exists (HF knows only the decoy)
    82: {"hf": False},  # Octopus v4 — HF knows only v2 and v3
    # renamed on arXiv, HF does not know them: only the abstract step finds them
    21: {"hf": False, "renamed": "FSSDP: Efficient and Scalable Sparse Model Training via Fully Sharded Sparse Data Parallelism"},
    31: {"hf": False, "renamed": "CliMB-DC: Human-Guided, Data-Centric Co-Pilots for Clinical Machine Learning"},
    57: {"hf": False, "renamed": "Union of Experts: Adapting Hierarchical Routing to Equivalently Decomposed Transformers"},
    64: {"hf": False, "renamed": "An LLM Operating System for Process Engineering: Knowledge-Graph-Driven Task Automation",
         "revise": ("We present the Process Engineering Operations Assistant (PEOA)",
                    "In this work we present the Process Engineering Operations Assistant (PEOA)"),
         "append": " We release the evaluation problems and the prompts used for every expert model."},
    72: {"hf": False, "renamed": "Distilling Chain-of-Thought into a Lightweight Personalized Sleep Health Model"},
    # renamed on arXiv, HF knows them under the listing title
    4: {"renamed": "A Survey on Mixture of Experts in Large Language Models"},
    66: {"renamed": "Chain of Ideas: Revolutionizing Research Via Novel Idea Development with LLM Agents"},
    73: {"renamed": "Learning to Generate Research Ideas with Dynamic Control and Multi-Objective Optimization"},
    # arXiv's title differs from HF's in small ways
    5: {"arxiv_title": "The Responsible Foundation Model Development Cheatsheet: A Review of Tools and Resources"},
    28: {"arxiv_title": "A Foundation Model for Human-AI Collaboration in Medical Literature Mining",
         "doi": "10.1038/s41467-025-01234-x", "journal_ref": "Nature Communications 16, 1234 (2025)"},
    # revised abstracts (the listing shows v1's)
    19: {"append": " Eureka, Eureka-Bench and all logs are released to support reproducible evaluation."},
    20: {"revise": ("We introduce a new simple method, Model Breadcrumbs,", "We introduce Model Breadcrumbs, a simple method")},
    # journal DOIs
    44: {"doi": "10.1038/s41591-025-00042-7", "journal_ref": "Nature Medicine (2025)"},
    67: {"doi": "10.18653/v1/2025.findings-naacl.418", "journal_ref": "Findings of NAACL 2025"},
    # organisation authors
    13: {"authors": ["Qwen", "An Yang", "Baosong Yang", "Beichen Zhang", "Binyuan Hui", "Bo Zheng", "Bowen Yu",
                     "Chengyuan Li", "Dayiheng Liu", "Fei Huang", "Haoran Wei", "Huan Lin", "Jian Yang", "Jianhong Tu",
                     "Jianwei Zhang", "Jianxin Yang", "Jiaxi Yang", "Jingren Zhou", "Junyang Lin", "Kai Dang"],
         "comment": "Project page: https://qwenlm.github.io/blog/qwen2.5/"},
    24: {"authors": ["Damai Dai", "Chengqi Deng", "Chenggang Zhao", "R. X. Xu", "Huazuo Gao", "Deli Chen", "Jiashi Li",
                     "Wangding Zeng", "Xingkai Yu", "Y. Wu", "Zhenda Xie", "Y. K. Li", "Panpan Huang", "Fuli Luo",
                     "Chong Ruan", "Zhifang Sui", "Wenfeng Liang"],
         "comment": "Code: https://github.com/deepseek-ai/DeepSeek-MoE"},
    60: {"authors": ["IBM Research", "Mayank Mishra", "Matt Stallone", "Gaoyuan Zhang", "Yikang Shen", "Aditya Prasad",
                     "Adriana Meza Soria", "Michele Merler", "Parameswaran Selvam", "Saptha Surendran"],
         "comment": "Corresponding authors: Rameswar Panda, Ruchir Puri. Code: https://github.com/ibm-granite/granite-code-models"},
    84: {"authors": ["Luca Soldaini", "Rodney Kinney", "Akshita Bhagia", "Dustin Schwenk", "David Atkinson",
                     "Russell Authur", "Ben Bogin", "Khyathi Chandu", "Jennifer Dumas", "Yanai Elazar"],
         "comment": "Accepted at ACL 2024. Dataset: https://huggingface.co/datasets/allenai/dolma"},
    # not on arXiv at all
    30: {"absent": True, "hf": False},  # only a same-title decoy exists on arXiv
    61: {"absent": True, "hf": False},  # nothing anywhere
}

#: plausible months for papers whose era is well known (others get a hashed month in 2023-2025)
YYMM = {13: "2412", 24: "2401", 54: "2402", 84: "2402", 60: "2405", 82: "2404", 78: "2304", 49: "2201",
        85: "2206", 66: "2410", 42: "2409", 4: "2407", 15: "2412", 17: "2302"}

#: HF ``githubRepo`` for papers whose abstract names no repository (HF knows it from the paper page)
HF_REPOS = {1: "https://github.com/mingyuan-zhang/LMM", 8: "https://github.com/BunsenFeng/CooK",
            45: "https://github.com/salesforce/CodeTF", 54: "https://github.com/XueFuzhao/OpenMoE",
            84: "https://github.com/allenai/dolma", 13: "https://github.com/QwenLM/Qwen2.5"}
HF_PROJECT_PAGES = {19: "https://microsoft.github.io/eureka-ml-insights", 13: "https://qwenlm.github.io/blog/qwen2.5/",
                    1: "https://mingyuan-zhang.github.io/projects/LMM.html"}


# --------------------------------------------------------------------------- hand-written decoys

DECOYS: list[dict[str, Any]] = [
    {"title": "Qwen2.5-Coder Technical Report", "yymm": "2409", "hf": True, "upvotes": 180,
     "authors": ["Binyuan Hui", "Jian Yang", "Zeyu Cui", "Jiaxi Yang", "Dayiheng Liu", "Lei Zhang", "Tianyu Liu",
                 "Jiajun Zhang", "Bowen Yu", "Kai Dang", "An Yang", "Rui Men", "Fei Huang", "Xingzhang Ren",
                 "Xuancheng Ren", "Jingren Zhou", "Junyang Lin"],
     "abstract": "In this report, we introduce the Qwen2.5-Coder series, a significant upgrade from its predecessor, "
                 "CodeQwen1.5. This series includes six models: Qwen2.5-Coder-(0.5B/1.5B/3B/7B/14B/32B). As a "
                 "code-specific model, Qwen2.5-Coder is built upon the Qwen2.5 architecture and continues pretrained "
                 "on a vast corpus of over 5.5 trillion tokens. Through meticulous data cleaning, scalable synthetic "
                 "data generation, and balanced data mixing, Qwen2.5-Coder demonstrates impressive code generation "
                 "capabilities while retaining general and math skills. These models have been evaluated on a wide "
                 "range of code-related tasks, achieving state-of-the-art performance across more than 10 benchmarks, "
                 "including code generation, completion, reasoning, and repair, consistently outperforming larger "
                 "models of the same model size. We believe that the release of the Qwen2.5-Coder series will advance "
                 "research in code intelligence and, with its permissive licensing, support wider adoption by developers "
                 "in real-world applications.", "github": "https://github.com/QwenLM/Qwen2.5-Coder"},
    {"title": "Qwen2 Technical Report", "yymm": "2407", "hf": True, "upvotes": 150,
     "authors": ["An Yang", "Baosong Yang", "Binyuan Hui", "Bo Zheng", "Bowen Yu", "Chang Zhou", "Chengpeng Li",
                 "Chengyuan Li", "Dayiheng Liu", "Fei Huang", "Guanting Dong", "Haoran Wei", "Huan Lin"],
     "abstract": "This report introduces the Qwen2 series, the latest addition to our large language models and large "
                 "multimodal models. We release a comprehensive suite of foundational and instruction-tuned language "
                 "models, encompassing a parameter range from 0.5 to 72 billion, featuring dense models and a "
                 "Mixture-of-Experts model. Qwen2 surpasses most prior open-weight models, including its predecessor "
                 "Qwen1.5, and exhibits competitive performance relative to proprietary models across diverse "
                 "benchmarks on language understanding, generation, multilingual proficiency, coding, mathematics, and "
                 "reasoning. The flagship model, Qwen2-72B, showcases remarkable performance: 84.2 on MMLU, 37.9 on "
                 "GPQA, 64.6 on HumanEval, 89.5 on GSM8K, and 82.4 on BBH as a base language model. Qwen2 demonstrates "
                 "robust multilingual capabilities, proficient in approximately 30 languages, underscoring its "
                 "versatility and global reach. To foster community innovation and accessibility, we have made the "
                 "Qwen2 model weights openly available on Hugging Face and ModelScope."},
    {"title": "Qwen2.5-Math Technical Report: Toward Mathematical Expert Model via Self-Improvement", "yymm": "2409",
     "hf": True, "upvotes": 90,
     "authors": ["An Yang", "Beichen Zhang", "Binyuan Hui", "Bofei Gao", "Bowen Yu", "Chengpeng Li", "Dayiheng Liu",
                 "Jianhong Tu", "Jingren Zhou", "Junyang Lin", "Keming Lu", "Mingfeng Xue", "Runji Lin"],
     "abstract": "In this report, we present a series of math-specific large language models: Qwen2.5-Math and "
                 "Qwen2.5-Math-Instruct-1.5B/7B/72B. The core innovation of the Qwen2.5 series lies in integrating the "
                 "philosophy of self-improvement throughout the entire pipeline, from pre-training and post-training to "
                 "inference. During the pre-training phase, Qwen2-Math-Instruct is utilized to generate large-scale, "
                 "high-quality mathematical data. In the post-training phase, we develop a reward model by conducting "
                 "massive sampling from Qwen2-Math-Instruct, which is then applied to the iterative evolution of data "
                 "in supervised fine-tuning. We evaluate our models on ten mathematics datasets in both English and "
                 "Chinese, such as GSM8K, MATH, GaoKao, AMC23, and AIME24, covering a range of difficulties from grade "
                 "school level to math competition problems."},
    {"title": "A Survey on Mixture of Experts: Algorithms, Theory, and Applications", "yymm": "2503", "hf": True,
     "upvotes": 40,
     "abstract": "Sparsely activated mixture of experts models route each input to a small subset of specialised "
                 "sub-networks and have become a standard tool for scaling neural networks. This survey organises the "
                 "field along three axes. On the algorithmic side we review gating functions, expert capacity, "
                 "auxiliary balancing losses and expert pruning. On the theoretical side we summarise results on the "
                 "expressivity of gated mixtures, the sample complexity of learning routers and the convergence of "
                 "expectation-maximisation style training. On the application side we cover recommendation systems, "
                 "speech recognition, multi-task and continual learning, and scientific machine learning. We close "
                 "with open problems on routing collapse, calibration of gates and hardware-aware expert placement."},
    {"title": "A Survey on Mixture of Experts Models for Computer Vision", "yymm": "2411", "hf": False,
     "abstract": "Mixture of experts architectures have recently spread from language modelling to computer vision, "
                 "where they promise larger vision transformers at constant inference cost. We survey sparse and soft "
                 "mixture of experts designs for image classification, detection, segmentation and video "
                 "understanding, compare patch-level and image-level routing, and catalogue the training recipes that "
                 "keep experts balanced on visual tokens. A benchmark of twelve public vision MoE checkpoints on "
                 "ImageNet, COCO and ADE20K shows where conditional computation pays off and where dense baselines "
                 "remain competitive. We discuss deployment on edge accelerators and list open questions."},
    {"title": "Tool Learning with Foundation Models", "yymm": "2502", "hf": True, "upvotes": 3, "same_title_as": 78,
     "abstract": "Robotic manipulation of everyday tools remains difficult because tool affordances depend on geometry, "
                 "material and the task at hand. We study whether vision-language foundation models can supply this "
                 "knowledge to a robot arm. Our system queries a foundation model for a grasp region and a motion "
                 "primitive, then refines both with tactile feedback during execution. Across 48 household tools and "
                 "six manipulation tasks, including hammering, scooping and cutting, tool learning with foundation "
                 "models improves success rates from 41 to 73 percent over a geometry-only baseline, while requiring "
                 "no task-specific demonstrations. We analyse failure cases caused by unusual tool shapes and occluded "
                 "handles."},
    {"title": "Do We Still Need Clinical Language Models?", "yymm": "2501", "hf": False, "same_title_as": 17,
     "abstract": "Radiology departments increasingly experiment with general-purpose chat assistants for drafting "
                 "reports, yet hospitals continue to maintain small clinical language models trained on in-house "
                 "notes. We revisit whether these clinical models are still needed by comparing seven in-house models "
                 "with four commercial assistants on report summarisation, finding extraction and follow-up "
                 "recommendation across 9,400 chest CT reports from two hospitals. General assistants write more "
                 "fluent summaries, but the clinical models extract findings more reliably and never fabricate "
                 "measurements. A cost analysis shows that the clinical models remain cheaper to operate at scale. "
                 "We conclude that both kinds of model have a place in the radiology workflow."},
    {"title": "Evaluation of Language Models in the Medical Context Under Resource-Constrained Settings", "yymm": "2502",
     "hf": False, "same_title_as": 30,
     "abstract": "Hospitals in low-income regions often run clinical software on a single workstation without a GPU. "
                 "We benchmark quantised open language models on triage note classification and discharge letter "
                 "drafting on such hardware, measuring latency, memory and accuracy. Four-bit quantisation keeps "
                 "accuracy within two points of the full-precision models while fitting in eight gigabytes of memory, "
                 "and a retrieval component built on national treatment guidelines reduces unsafe recommendations by "
                 "half. We release the benchmark, the hardware profiles and a deployment guide for district hospitals."},
    {"title": "Octopus v2: On-device language model for super agent", "yymm": "2404", "hf": True, "upvotes": 120,
     "authors": ["Wei Chen", "Zhiyuan Li"],
     "abstract": "Language models have shown effectiveness in a variety of software applications, particularly in tasks "
                 "related to automatic workflow. These models possess the crucial ability to call functions, which is "
                 "essential in creating AI agents. Despite the high performance of large-scale language models in "
                 "cloud environments, they are often associated with concerns over privacy and cost. Current on-device "
                 "models for function calling face issues with latency and accuracy. Our research presents a new "
                 "method that empowers an on-device model with 2 billion parameters to surpass the performance of "
                 "GPT-4 in both accuracy and latency, and decrease the context length by 95 percent."},
    {"title": "Octopus v3: Technical Report for On-device Sub-billion Multimodal AI Agent", "yymm": "2404", "hf": True,
     "upvotes": 60, "authors": ["Wei Chen", "Zhiyuan Li"],
     "abstract": "A multimodal AI agent is characterized by its ability to process and learn from various types of data, "
                 "including natural language, visual, and audio inputs, to inform its actions. Despite advancements in "
                 "large language models that incorporate visual data, such as GPT-4V, effectively translating "
                 "image-based data into actionable outcomes for AI agents continues to be challenging. In this paper, "
                 "we introduce a multimodal model that incorporates the concept of functional token specifically "
                 "designed for AI agent applications. To ensure compatibility with edge devices, our model is "
                 "optimized to a compact size of less than 1B parameters."},
    {"title": "DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts Language Model", "yymm": "2405",
     "hf": True, "upvotes": 200, "authors": ["DeepSeek-AI"],
     "abstract": "We present DeepSeek-V2, a strong Mixture-of-Experts (MoE) language model characterized by economical "
                 "training and efficient inference. It comprises 236B total parameters, of which 21B are activated for "
                 "each token, and supports a context length of 128K tokens. DeepSeek-V2 adopts innovative "
                 "architectures including Multi-head Latent Attention (MLA) and DeepSeekMoE. MLA guarantees efficient "
                 "inference through significantly compressing the Key-Value (KV) cache into a latent vector, while "
                 "DeepSeekMoE enables training strong models at an economical cost through sparse computation. "
                 "Compared with DeepSeek 67B, DeepSeek-V2 achieves significantly stronger performance, and meanwhile "
                 "saves 42.5% of training costs, reduces the KV cache by 93.3%, and boosts the maximum generation "
                 "throughput to 5.76 times.", "github": "https://github.com/deepseek-ai/DeepSeek-V2"},
    {"title": "OLMoE: Open Mixture-of-Experts Language Models", "yymm": "2409", "hf": True, "upvotes": 75,
     "authors": ["Niklas Muennighoff", "Luca Soldaini", "Dirk Groeneveld", "Kyle Lo", "Jacob Morrison", "Sewon Min"],
     "abstract": "We introduce OLMoE, a fully open, state-of-the-art language model leveraging sparse "
                 "Mixture-of-Experts (MoE). OLMoE-1B-7B has 7 billion (B) parameters but uses only 1B per input "
                 "token. We pretrain it on 5 trillion tokens and further adapt it to create OLMoE-1B-7B-Instruct. Our "
                 "models outperform all available models with similar active parameters, even surpassing larger ones "
                 "like Llama2-13B-Chat and DeepSeekMoE-16B. We present various experiments on MoE training, analyze "
                 "routing in our model showing high specialization, and open-source all aspects of our work: model "
                 "weights, training data, code, and logs."},
    {"title": "Scaling Granite Code Models to 128K Context", "yymm": "2407", "hf": True, "upvotes": 30,
     "authors": ["IBM Research", "Matt Stallone", "Vaibhav Saxena", "Leonid Karlinsky", "Bridget McGinn"],
     "abstract": "This paper introduces long-context Granite code models that support effective context windows of up "
                 "to 128K tokens. Our solution for scaling context length of Granite 3B/8B code models from 2K/4K to "
                 "128K consists of a light-weight continual pretraining by gradually increasing its RoPE base "
                 "frequency with repository-level file packing and length-upsampled long-context data. Additionally, "
                 "we also release instruction-tuned models with long-context support which are derived by further "
                 "finetuning the long context base models on a mix of permissively licensed short and long-context "
                 "instruction-response pairs."},
    {"title": "OLMo: Accelerating the Science of Language Models", "yymm": "2402", "hf": True, "upvotes": 95,
     "authors": ["Dirk Groeneveld", "Iz Beltagy", "Pete Walsh", "Akshita Bhagia", "Rodney Kinney", "Oyvind Tafjord"],
     "abstract": "Language models have become ubiquitous in both NLP research and in commercial product offerings. As "
                 "their commercial importance has surged, the most powerful models have become closed off, gated "
                 "behind proprietary interfaces, with important details of their training data, architectures, and "
                 "development undisclosed. Given the importance of these details in scientifically studying these "
                 "models, including their biases and potential risks, we believe it is essential for the research "
                 "community to have access to powerful, truly open language models. To this end, this technical report "
                 "details the first release of OLMo, a state-of-the-art, truly Open Language Model and its framework "
                 "to build and study the science of language modeling."},
    {"title": "Mixture of LoRA Experts", "yymm": "2404", "hf": True, "upvotes": 25,
     "abstract": "Low-rank adaptation has become the default way to specialise large pretrained models, and practitioners "
                 "now keep libraries of trained LoRA modules for many tasks. Composing several of them is hard: linear "
                 "arithmetic merging degrades the generation ability of the original model, while reference tuning "
                 "based fusion is inflexible and costly. We propose Mixture of LoRA Experts (MoLE), which treats each "
                 "layer of trained LoRAs as a distinct expert and learns hierarchical weight control through a gating "
                 "function inside every layer. MoLE outperforms existing composition approaches on both natural "
                 "language and vision-language domains."},
    {"title": "What Matters for Model Merging at Scale? A Replication Study", "yymm": "2502", "hf": False,
     "abstract": "Recent work reported that merging expert models becomes easier as the base model grows. We replicate "
                 "these experiments with an independent code base on three open model families and extend them to "
                 "parameter-efficient experts. The main findings hold for full fine-tuning, but the advantage of scale "
                 "shrinks markedly when experts are trained with low-rank adapters, and the choice of merging method "
                 "matters more than previously reported for held-out tasks. We release our merged checkpoints."},
    {"title": "Learning to Generate Research Ideas from Scientific Literature Graphs", "yymm": "2410", "hf": True,
     "upvotes": 12,
     "abstract": "We frame research idea generation as link prediction on a graph of papers, methods and datasets. A "
                 "language model proposes candidate ideas by walking the literature graph and an evaluator trained on "
                 "peer review scores ranks them for novelty and feasibility. Human experts rated ideas produced by our "
                 "pipeline as more specific than those of a prompting baseline, although less surprising. We discuss "
                 "how graph coverage limits the diversity of generated ideas."},
    {"title": "MEDIC: A Multimodal Dataset for Emotion Detection in Clinical Conversations", "yymm": "2406", "hf": False,
     "abstract": "Emotional cues in doctor-patient conversations influence adherence and satisfaction, but annotated "
                 "resources are scarce. We present MEDIC, a dataset of 1,200 recorded and transcribed consultations "
                 "with utterance-level emotion labels for speech, text and facial video. Baselines combining "
                 "acoustic and textual encoders reach a weighted F1 of 0.61, and we report inter-annotator agreement "
                 "and the protocol used to protect patient privacy."},
]

#: papers outside the listing, used by id-list, .bib and journal-DOI tests
EXTRAS: list[dict[str, Any]] = [
    {"id": "hep-th/9901001", "title": "Holography and the Large N Limit of Gauge Theories: A Toy Model",
     "published": "1999-01-04T11:02:13Z", "updated": "1999-03-22T09:41:50Z", "versions": 2,
     "authors": [{"name": "Juan Pérez", "affiliation": ["Instituto Balseiro"]}, {"name": "Hiroshi Ōshima"}],
     "categories": ["hep-th"], "comment": "12 pages, LaTeX; v2: references added",
     "journal_ref": "Nucl. Phys. B 550 (1999) 123-145", "doi": "10.1016/S0550-3213(99)00123-4",
     "abstract": "We study a solvable toy model of the correspondence between large N gauge theories and gravity in one "
                 "more dimension. The model reproduces the scaling of two-point functions at strong coupling and "
                 "allows an explicit comparison of the planar free energy with a classical action. We comment on "
                 "corrections suppressed by powers of one over N and on the role of boundary conditions."},
    {"id": "math/0611800", "title": "On the Asymptotics of Orthogonal Polynomials on an Arc",
     "published": "2006-11-26T18:20:00Z", "updated": "2007-02-14T10:00:00Z", "versions": 2,
     "authors": [{"name": "Søren Jørgensen"}, {"name": "Agnieszka Wiśniewska"}], "categories": ["math.CA", "math.CV"],
     "comment": "25 pages", "abstract":
     "We derive strong asymptotics for polynomials orthogonal with respect to a positive weight on a smooth arc of the "
     "complex plane, using the Riemann-Hilbert steepest descent method. The leading term is expressed through the "
     "Szegő function of the weight and the equilibrium measure of the arc. Applications to zero distribution and to "
     "the recurrence coefficients are given."},
    {"id": "cond-mat/0512345", "title": "Disorder-Induced Checkerboard Order in Layered Superconductors",
     "published": "2005-12-14T08:30:00Z", "updated": "2006-06-02T12:00:00Z", "versions": 3,
     "authors": [{"name": "Anna van der Berg"}, {"name": "Lukas Müller"}, {"name": "François Lefèvre"}],
     "categories": ["cond-mat.supr-con", "cond-mat.str-el"], "journal_ref": "Phys. Rev. B 73, 224512 (2006)",
     "doi": "10.1103/PhysRevB.73.224512", "comment": "10 pages, 6 figures; published version",
     "abstract": "We show that weak quenched disorder in layered superconductors can stabilise checkerboard charge "
                 "order over a stripe phase. A Landau analysis with random-field coupling predicts the crossover "
                 "length, and Monte Carlo simulations confirm domains of ninety-degree rotated stripes that average "
                 "into a checkerboard pattern at long wavelengths."},
    {"id": "1003.4567", "title": "0", "published": "2010-03-23T16:00:00Z", "updated": "2010-03-23T16:00:00Z",
     "versions": 1, "authors": [{"name": "Quan Tran"}], "categories": ["cs.CR", "I.2.6"],
     "abstract": "What is the most dangerous number in signature verification? Zero. This note shows how several "
                 "libraries accepted identity elements as valid public keys and signatures, discusses the disclosure "
                 "process and gives test vectors that catch the bug."},
    {"id": "1501.00001", "title": "Deep Residual Tricks for Small Datasets",
     "published": "2015-01-01T00:10:00Z", "updated": "2015-02-01T00:10:00Z", "versions": 2,
     "authors": [{"name": "Zoë Novák"}, {"name": "Thanh Nguyen"}], "categories": ["cs.CV", "cs.LG"],
     "comment": "Code: https://github.com/znovak/residual-tricks. Project page: https://znovak.github.io/tricks",
     "abstract": "Residual networks trained on small datasets overfit quickly. We collect a set of simple tricks, "
                 "stochastic depth at a high drop rate, label smoothing and heavy test-time augmentation, and show on "
                 "eleven small image classification benchmarks that together they close most of the gap to transfer "
                 "learning from ImageNet without any pretraining."},
]


# --------------------------------------------------------------------------- build


def read_listing(path: Path) -> list[tuple[str, str]]:
    blocks = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = next(i for i, b in enumerate(blocks) if re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}", b)) + 1
    pairs = [(blocks[i], blocks[i + 1]) for i in range(start, len(blocks) - 1, 2)]
    return pairs


def build(listing_path: Path) -> dict[str, Any]:
    _USED.clear()
    pairs = read_listing(listing_path)
    papers: list[dict[str, Any]] = []
    hf: list[dict[str, Any]] = []
    listing: list[dict[str, Any]] = []
    for idx, (title, abstract) in enumerate(pairs):
        spec = SPECIAL.get(idx, {})
        if spec.get("absent"):
            listing.append({"index": idx, "title": title, "abstract": abstract, "expect": None,
                            "note": "not on arXiv" + ("; a same-title decoy is" if idx == 30 else "")})
            continue
        arxiv_id = make_id(title, spec.get("yymm") or YYMM.get(idx))
        published = stamp(arxiv_id, "published")
        current_abstract = abstract
        if "revise" in spec:
            old, new = spec["revise"]
            assert old in current_abstract, (idx, old)
            current_abstract = current_abstract.replace(old, new, 1)
        if "append" in spec:
            current_abstract = current_abstract + spec["append"]
        current_title = spec.get("renamed") or spec.get("arxiv_title") or title
        versions = [{"title": title, "abstract": abstract, "date": published}]
        if current_title != title or current_abstract != abstract:
            versions.append({"title": current_title, "abstract": current_abstract,
                             "date": later(published, 2 + idx % 5, "v2")})
        elif _h(title, "versions") % 3 == 0:
            versions.append({"title": title, "abstract": abstract, "date": later(published, 1 + idx % 4, "v2")})
        authors = [{"name": n} for n in spec["authors"]] if "authors" in spec else make_authors(title)
        repos = re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", abstract)
        repo = repos[0].rstrip(".,") if repos else HF_REPOS.get(idx)
        paper = {
            "id": arxiv_id, "versions": versions, "authors": authors,
            "categories": categories_for(title, abstract),
            "comment": spec.get("comment") or (f"Code: {repo}" if repo and idx % 4 == 0 else
                                               f"{8 + idx % 30} pages, {2 + idx % 9} figures"),
            "journal_ref": spec.get("journal_ref"), "doi": spec.get("doi"),
            "role": "listing", "listing_index": idx,
        }
        papers.append(paper)
        notes = []
        if spec.get("renamed"):
            notes.append("renamed on arXiv")
        if spec.get("hf") is False:
            notes.append("unknown to HF")
        if "revise" in spec or "append" in spec:
            notes.append("abstract revised")
        if spec.get("doi"):
            notes.append("journal DOI")
        listing.append({"index": idx, "title": title, "abstract": abstract, "expect": arxiv_id,
                        "note": "; ".join(notes) or None})
        if spec.get("hf", True):
            seed = _h(title, "hf")
            hf.append({
                "id": arxiv_id, "title": title, "summary": abstract,
                "authors": [a["name"] for a in authors], "publishedAt": published,
                "upvotes": 5 + seed % 60, "githubRepo": repo, "projectPage": HF_PROJECT_PAGES.get(idx),
                "ai_keywords": keywords_for(title) if seed % 5 else [],
                "ai_summary": None if seed % 4 == 0 else f"{title.split(':')[0]} is studied and evaluated.",
            })
    for decoy in DECOYS:
        arxiv_id = make_id(decoy["title"], decoy.get("yymm"))
        published = stamp(arxiv_id, "published")
        authors = [{"name": n} for n in decoy["authors"]] if "authors" in decoy else make_authors(decoy["title"])
        papers.append({
            "id": arxiv_id,
            "versions": [{"title": decoy["title"], "abstract": decoy["abstract"], "date": published}],
            "authors": authors, "categories": categories_for(decoy["title"], decoy["abstract"]),
            "comment": f"Code: {decoy['github']}" if decoy.get("github") else None,
            "journal_ref": None, "doi": None, "role": "decoy",
        })
        if decoy.get("hf"):
            hf.append({
                "id": arxiv_id, "title": decoy["title"], "summary": decoy["abstract"],
                "authors": [a["name"] for a in authors], "publishedAt": published,
                "upvotes": decoy.get("upvotes", 10), "githubRepo": decoy.get("github"), "projectPage": None,
                "ai_keywords": keywords_for(decoy["title"]), "ai_summary": None,
            })
    for extra in EXTRAS:
        n = extra.get("versions", 1)
        versions = [{"title": extra["title"], "abstract": extra["abstract"], "date": extra["published"]}]
        for v in range(2, n + 1):
            versions.append({"title": extra["title"], "abstract": extra["abstract"],
                             "date": extra["updated"] if v == n else later(extra["published"], v, "extra")})
        papers.append({
            "id": extra["id"], "versions": versions, "authors": extra["authors"], "categories": extra["categories"],
            "comment": extra.get("comment"), "journal_ref": extra.get("journal_ref"), "doi": extra.get("doi"),
            "role": "extra",
        })
    return {
        "_synthetic": "SYNTHETIC test corpus for bibkit's arXiv and Hugging Face doubles. Ids, authors, dates, "
                      "categories, comments and decoys are invented; see README.md.",
        "papers": papers, "hf": hf, "listing": listing,
    }


def main(argv: list[str]) -> int:
    listing = Path(argv[1] if len(argv) > 1 else "examples/hf-trending-papers.txt")
    data = build(listing)
    out = HERE / "papers.json"
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(data['papers'])} arXiv papers, {len(data['hf'])} HF papers, "
          f"{len(data['listing'])} listing entries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
