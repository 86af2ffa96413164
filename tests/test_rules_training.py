"""Differentiated training (README policy §5), over the trailing 3 months."""

from conftest import history, person, review

VIP = dict(ladder="vip", level="VIP客户经理", hire_date="2020-01-01")


def test_bottom_half_of_the_ladder_ranking_must_attend():
    averages = {"1": 90, "2": 80, "3": 70, "4": 60}
    people = [person(employee=e, **VIP) for e in averages]
    records = [r for e, a in averages.items() for r in history(e, [a] * 3)]
    table = review(people, records).table
    assert table["training_required"].to_dict() == {"1": False, "2": False, "3": True, "4": True}
    assert table.at["3", "training_reasons"] == "近 3 个月排名 3/4，位于后 50%"


def test_with_five_ranked_at_most_half_attend_and_ties_share_the_better_rank():
    averages = {"1": 90, "2": 80, "3": 70, "4": 60, "5": 60}
    people = [person(employee=e, **VIP) for e in averages]
    records = [r for e, a in averages.items() for r in history(e, [a] * 3)]
    table = review(people, records).table
    assert table["training_required"].tolist() == [False, False, False, True, True]
    assert table.at["5", "training_reasons"] == "近 3 个月排名 4/5，位于后 50%"


def test_rankings_are_per_ladder():
    people = [person(employee="1", **VIP), person(employee="2", ladder="cs_rep", level="普通客服代表-中级")]
    records = history("1", [10] * 3) + history("2", [99] * 3)
    assert review(people, records).table["training_required"].tolist() == [False, False]


def test_a_business_deduction_in_the_quarter_or_under_a_year_employed():
    people = [person(employee="1", **VIP), person(employee="2", **{**VIP, "hire_date": "2025-11-01"}),
              person(employee="3", **{**VIP, "hire_date": "2025-10-01"})]
    records = (history("1", [90] * 4, business_deduction=[5, 0, 0, 0])  # 4 months back: outside
               + history("2", [90] * 3) + history("3", [90] * 3))
    table = review(people, records).table
    assert table["training_required"].tolist() == [False, True, False]
    assert table.at["2", "training_reasons"] == "入职 11 个月，不满 12 个月"
    records[1]["business_deduction"] = 2
    table = review(people, records).table
    assert table.at["1", "training_reasons"] == "近 3 个月业务扣分 2"
