"""What makes the demo read like a real province's records: people's names that match their
gender, petitions filed under the field they are about (and sent to the agency that handles it),
and a clock that stands at the day each act happened, so the timeline, the history and every
"created at" show that day rather than the moment the demo was seeded."""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings

FAMILY_NAMES = ["Bùi", "Đinh", "Quách", "Xa", "Hà", "Nguyễn", "Trần", "Lò", "Hoàng", "Phạm"]
MEN = ("Văn", ["Hùng", "Minh", "Thắng", "Tuấn", "Sơn", "Cường", "Khánh", "Dũng", "Hải", "Long"])
WOMEN = ("Thị", ["Lan", "Hoa", "Mai", "Nga", "Hạnh", "Thu", "Hương", "Liên", "Phương", "Yến"])

LAND = "Đất đai, bồi thường, giải phóng mặt bằng"
# content, field, symbol of the agency that handles it ("" for the local People's Committee)
PETITIONS = [
    ("Đề nghị xem xét lại đơn giá bồi thường đất nông nghiệp khi thu hồi làm dự án.", LAND, "SNNMT"),
    ("Đường liên xóm xuống cấp, đề nghị đầu tư sửa chữa trước mùa mưa.", "Giao thông, hạ tầng", "SXD"),
    ("Đề nghị xử lý tình trạng khai thác cát trái phép gây sạt lở bờ sông.", "Môi trường", "SNNMT"),
    ("Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho các hộ đã sử dụng ổn định.", LAND, "SNNMT"),
    ("Trạm y tế thiếu bác sĩ, đề nghị tăng cường nhân lực.", "Y tế", "SYT"),
    ("Đề nghị hỗ trợ kinh phí sửa chữa phòng học xuống cấp.", "Giáo dục", "SGDĐT"),
    ("Đề nghị giải quyết chế độ cho người có công còn tồn đọng.", "Chính sách xã hội, người có công", "SNV"),
    ("Tình trạng xe quá tải làm hỏng đường, đề nghị tăng cường kiểm tra.", "Giao thông, hạ tầng", "CAT"),
    ("Đề nghị rút ngắn thời gian giải quyết thủ tục cấp phép xây dựng.", "Thủ tục hành chính", "SXD"),
    ("Đề nghị hỗ trợ giống cây trồng sau thiên tai.", "Nông nghiệp, nông thôn", "SNNMT"),
    ("Ô nhiễm từ trang trại chăn nuôi, đề nghị kiểm tra xử lý.", "Môi trường", "SNNMT"),
    ("Đề nghị công khai quy hoạch khu dân cư mới.", LAND, "SXD"),
    ("Đề nghị lắp đặt hệ thống chiếu sáng tại đường trục chính.", "Giao thông, hạ tầng", ""),
    ("Đề nghị công khai các khoản thu, đóng góp tự nguyện tại trường học.", "Giáo dục", "SGDĐT"),
    (
        "Phản ánh cán bộ địa chính xã gây khó khăn, nhũng nhiễu khi giải quyết hồ sơ đất đai.",
        "Xây dựng Đảng, cán bộ",
        "SNV",
    ),
    ("Đề nghị tăng cường tuần tra, xử lý tình trạng trộm cắp tài sản ban đêm.", "An ninh, trật tự", "CAT"),
    ("Đề nghị sớm chi trả tiền hỗ trợ hộ nghèo, cận nghèo.", "Chính sách xã hội, người có công", "SNV"),
    ("Đề nghị hướng dẫn thủ tục chuyển đổi đất vườn sang đất ở.", "Thủ tục hành chính", "SNNMT"),
]


def person_name(rng: random.Random) -> str:
    """A Vietnamese full name whose middle and given names agree on a gender."""
    middle, given = MEN if rng.random() < 0.5 else WOMEN
    return f"{rng.choice(FAMILY_NAMES)} {middle} {rng.choice(given)}"


def petition_of(rng: random.Random) -> tuple[str, str, str]:
    """(content, field name, agency symbol) of a petition: the field is what the content is about."""
    return rng.choice(PETITIONS)


@contextmanager
def clock_at(day: dt.date, rng: random.Random | None = None):
    """Run the acts of the block as if on ``day`` during office hours: every automatic time stamp
    (the timeline's, the history's, "created at") and ``timezone.localdate()`` read that day."""
    hour, minute = (8, 0) if rng is None else (rng.randint(7, 16), rng.choice([0, 10, 15, 20, 30, 40, 45, 50]))
    moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.UTC)):
        yield moment
