"""Seed region_mapping covers China's geography as people write it (issue 11, class 6): every
provincial-level division and the prefecture-level cities, in Chinese and in pinyin. The lists
below are written independently of the seed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "region_mapping.csv"
# provincial-level division → (pinyin, region), and a few of its prefecture-level cities (Chinese, pinyin)
PROVINCES = {
    "北京": ("Beijing", "NORTH", []), "天津": ("Tianjin", "NORTH", []), "河北": ("Hebei", "NORTH", [("唐山", "Tangshan")]),
    "山西": ("Shanxi", "NORTH", [("大同", "Datong")]), "内蒙古": ("Inner Mongolia", "NORTH", [("包头", "Baotou")]),
    "辽宁": ("Liaoning", "NORTHEAST", [("大连", "Dalian")]), "吉林": ("Jilin", "NORTHEAST", [("长春", "Changchun")]),
    "黑龙江": ("Heilongjiang", "NORTHEAST", [("哈尔滨", "Harbin")]), "上海": ("Shanghai", "EAST", []),
    "江苏": ("Jiangsu", "EAST", [("苏州", "Suzhou"), ("连云港", "Lianyungang")]),
    "浙江": ("Zhejiang", "EAST", [("杭州", "Hangzhou"), ("丽水", "Lishui")]), "安徽": ("Anhui", "EAST", [("蚌埠", "Bengbu")]),
    "福建": ("Fujian", "EAST", [("厦门", "Xiamen")]), "江西": ("Jiangxi", "EAST", [("赣州", "Ganzhou")]),
    "山东": ("Shandong", "EAST", [("潍坊", "Weifang")]), "河南": ("Henan", "CENTRAL", [("洛阳", "Luoyang")]),
    "湖北": ("Hubei", "CENTRAL", [("襄阳", "Xiangyang")]), "湖南": ("Hunan", "CENTRAL", [("长沙", "Changsha")]),
    "广东": ("Guangdong", "SOUTH", [("深圳", "Shenzhen"), ("东莞", "Dongguan")]), "广西": ("Guangxi", "SOUTH", [("桂林", "Guilin")]),
    "海南": ("Hainan", "SOUTH", [("三亚", "Sanya")]), "重庆": ("Chongqing", "SOUTHWEST", []),
    "四川": ("Sichuan", "SOUTHWEST", [("绵阳", "Mianyang")]), "贵州": ("Guizhou", "SOUTHWEST", [("遵义", "Zunyi")]),
    "云南": ("Yunnan", "SOUTHWEST", [("大理", "Dali")]), "西藏": ("Tibet", "SOUTHWEST", [("拉萨", "Lhasa")]),
    "陕西": ("Shaanxi", "NORTHWEST", [("西安", "Xi'an")]), "甘肃": ("Gansu", "NORTHWEST", [("兰州", "Lanzhou")]),
    "青海": ("Qinghai", "NORTHWEST", [("西宁", "Xining")]), "宁夏": ("Ningxia", "NORTHWEST", [("银川", "Yinchuan")]),
    "新疆": ("Xinjiang", "NORTHWEST", [("乌鲁木齐", "Urumqi"), ("喀什", "Kashgar")]),
    "香港": ("Hong Kong", "SOUTH", []), "澳门": ("Macau", "SOUTH", []), "台湾": ("Taiwan", "SOUTH", [("台北", "Taipei")]),
}


@pytest.fixture(scope="module")
def seed() -> dict[str, set[str]]:
    """Seed value (lower case) → the regions it maps to."""
    mapping: dict[str, set[str]] = {}
    with SEED.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            mapping.setdefault(row["source_value"].lower(), set()).add(row["region_code"])
    return mapping


@pytest.mark.parametrize("province", sorted(PROVINCES))
def test_every_provincial_division_and_its_cities_in_chinese_and_pinyin(seed, province: str) -> None:
    pinyin, region, cities = PROVINCES[province]
    for value in (province, pinyin, *(name for city in cities for name in city)):
        assert seed.get(value.lower()) == {region}, value


def test_prefecture_level_cities_are_all_there(seed) -> None:
    cities = {v for v, regions in seed.items() if any("\u4e00" <= ch <= "\u9fff" for ch in v) and not v.endswith(("省", "市", "区"))}
    assert len(cities) >= 330  # 333 prefecture-level divisions, the municipalities and the SARs


def test_no_value_maps_to_two_regions(seed) -> None:
    """A pinyin that two cities share in different regions (Yichun, Yulin) is left out, not guessed."""
    assert {v: r for v, r in seed.items() if len(r) > 1} == {}
    assert "yichun" not in seed and "yulin" not in seed
