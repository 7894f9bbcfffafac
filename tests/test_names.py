"""English names by romanisation: pinyin for the specific part, the generic translated, 站 dropped."""

import pytest

from gis.names import normalise_station_name, romanise, romanise_station


@pytest.mark.parametrize(
    "zh,en",
    [
        ("曹杨路", "Caoyang Road"),
        ("中山北路", "Zhongshan North Road"),
        ("真北路", "Zhenbei Road"),
        ("金沙江西路", "Jinshajiang West Road"),
        ("曹安公路", "Cao'an Highway"),
        ("延安高架路", "Yan'an Elevated Road"),
        ("中山北一路", "Zhongshan North 1st Road"),
        ("大华三路", "Dahua 3rd Road"),
        ("京沪高速", "Jinghu Expressway"),
        ("曹安公路6号桥", "Cao'an Highway No. 6 Bridge"),
        ("祁连山路五号桥", "Qilianshan Road No. 5 Bridge"),
        ("沪太路鲍家桥", "Hutai Road Baojia Bridge"),
        ("中山北路桥", "Zhongshan North Road Bridge"),
        ("虹桥路", "Hongqiao Road"),
        ("新闸路出口", "Xinzha Road Exit"),
        ("沪嘉-嘉闵联络线", "Hujia-Jiamin Link"),
        ("中环路", "Middle Ring Road"),
        ("长风公园", "Changfeng Park"),
        ("长寿路", "Changshou Road"),
        ("桃浦新村", "Taopu Xincun"),
        ("静安寺", "Jing'an Temple"),
        ("", ""),
        ("G2", "G2"),
    ],
)
def test_romanise(zh, en):
    assert romanise(zh) == en


def test_station_names_drop_zhan_and_match_across_sources():
    assert romanise_station("曹杨路站") == "Caoyang Road"
    assert romanise_station("真如") == "Zhenru"
    assert romanise_station("上海西站") == romanise_station("上海西") == "Shanghai West Railway Station"
    assert normalise_station_name(" 曹杨路 站") == normalise_station_name("曹杨路") == "曹杨路"
    assert normalise_station_name("上海西站（地铁）") == normalise_station_name("上海西")
