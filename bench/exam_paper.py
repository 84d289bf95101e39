"""What a candidate's browser does with the state JSON (no locust, no Django)."""

import random


def paper_items(state: dict, catalogue: dict) -> list[dict]:
    """[{"question", "qtype", "choices": [ids]}] for the questions on a paper.

    ``state`` is the attempt's state JSON (question ids); ``catalogue``
    maps each bank question id (as a string) to its type and option ids,
    which a browser reads off the paper page.
    """
    questions = [
        entry.get("question") for entry in state.get("answers", state.get("items", []))
    ]
    return [
        {"question": question, **catalogue[str(question)]}
        for question in questions
        if str(question) in catalogue
    ]


def answer_for(item: dict):
    qtype, choices = item["qtype"], item["choices"]
    if qtype == "single_choice" and choices:
        return random.choice(choices)
    if qtype == "multiple_choice" and choices:
        return sorted(random.sample(choices, k=random.randint(1, len(choices))))
    if qtype == "true_false":
        return random.random() < 0.5
    if qtype == "fill_blank":
        return random.choice(["按日连续处罚", "查封扣押", "限期整改"])
    return "出示执法证件，说明来意，现场检查，制作笔录。" * random.randint(1, 4)
