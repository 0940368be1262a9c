"""ad_extent.whole_ad: a foreign-script ad found in a Latin article takes in the codes around it on its
line and never the article's words; and the features of foreign and Chinese-article segments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.adscore import foreign_length, unfinished
from cleaner.detectors.ad_extent import whole_ad


def _whole(text: str, found: str, script: str = "Latin") -> str:
    start = text.index(found)
    s, e = whole_ad(text, start, start + len(found), script)
    return text[s:e]


# (text, the piece a detector found, the whole injection) - own-written, shaped like real campaigns
CASES = [
    ("Rain fell all week. ยอดนิยม สล็อตแท้ 2031 XO GAME แจกหนัก ถอนไว The roads flooded.",
     "ยอดนิยม สล็อตแท้", "ยอดนิยม สล็อตแท้ 2031 XO GAME แจกหนัก ถอนไว"),
    ("The museum reopened.\n南京同城约会上门〖╋V:⒊O⒌⒌⒈⒏O⒎】\nVisitors queued.",
     "南京同城约会上门", "南京同城约会上门〖╋V:⒊O⒌⒌⒈⒏O⒎】"),
    ("The museum reopened. 这篇文章带你了解最新平台。TG🔥 vipbet777 Visitors queued.",
     "这篇文章带你了解最新平台。", "这篇文章带你了解最新平台。TG🔥 vipbet777"),
    ("The museum reopened.\n먹튀없는 안전놀이터 [추천](https://toto-example.bet/) 바로가기\nVisitors queued.",
     "먹튀없는 안전놀이터", "먹튀없는 안전놀이터 [추천](https://toto-example.bet/) 바로가기"),
    ("Prices rose 4% 深圳桑拿会所 on Monday.", "深圳桑拿会所", "深圳桑拿会所"),
    ("Prices rose.\nสล็อตแท้ 2乄0乄3乄1 ถอนไวI think so.", "สล็อตแท้", "สล็อตแท้ 2乄0乄3乄1 ถอนไว"),
    ("Prices rose.\n먹튀검증 토쟁이TV 바로가기\nThen.", "먹튀검증", "먹튀검증 토쟁이TV 바로가기"),
    ("The agency said 深圳桑拿会所 NASA would fly.", "深圳桑拿会所", "深圳桑拿会所"),
    ("The council met 深圳桑拿会所 A new plan followed.", "深圳桑拿会所", "深圳桑拿会所"),
    ("The idea of wabi-sabi (侘寂) shaped tea rooms.", "侘寂", "侘寂"),
    ("Visitors loved the 上海小籠包 at the stall.", "上海小籠包", "上海小籠包"),
]


@pytest.mark.parametrize(("text", "found", "whole"), CASES)
def test_whole_ad_takes_the_codes_and_leaves_the_article(text: str, found: str, whole: str) -> None:
    assert _whole(text, found) == whole


def test_whole_ad_leaves_dense_documents_alone() -> None:
    text = "会议在北京召开。深圳桑拿会所 VIP 8899 会议决定增加投资。"
    assert _whole(text, "深圳桑拿会所", "Chinese") == "深圳桑拿会所"


@given(st.text(alphabet="ab AB12 .\n成都【】▋@:/", max_size=40), st.integers(0, 40), st.integers(0, 40))
def test_whole_ad_only_grows_and_stays_in_the_text(text: str, a: int, b: int) -> None:
    a, b = sorted((min(a, len(text)), min(b, len(text))))
    s, e = whole_ad(text, a, b, "Latin")
    assert 0 <= s <= a and b <= e <= len(text)
    assert "\n" not in text[s:a] + text[b:e]  # never beyond its line


def test_foreign_length_buckets_the_letters_of_its_script() -> None:
    assert foreign_length("孔子", "Han") == "flen:1"
    assert foreign_length("成都同城上门服务", "Han") == "flen:3"
    assert foreign_length("春节 2024", "Han") == "flen:1"


def test_unfinished_lines_of_a_chinese_text() -> None:
    assert unfinished("南京同城约会上门服务")
    assert not unfinished("会议决定在年底前完成主要工程。")
    assert not unfinished("东城")  # too short to tell
