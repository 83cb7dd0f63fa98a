"""Every message a learner or an instructor sees, in Korean and English.

``msg(key, **fields)`` returns ``(ko, en)``; ``both(key, ...)`` joins them as "ko · en".
"""

MESSAGES = {
    "not_implemented": ("아직 구현하지 않았습니다", "not implemented yet"),
    "passed": ("통과", "passed"),
    "mismatch": ("기댓값 {expected}, 실제 값 {got}", "expected {expected}, got {got}"),
    "wrong_type": ("{expected} 형식을 기대했지만 {got}을(를) 받았습니다",
                   "expected a {expected}, got a {got}"),
    "wrong_shape": ("모양 {expected}을(를) 기대했지만 {got}을(를) 받았습니다",
                    "expected shape {expected}, got shape {got}"),
    "wrong_length": ("길이 {expected}을(를) 기대했지만 {got}을(를) 받았습니다",
                     "expected length {expected}, got length {got}"),
    "wrong_keys": ("키 {expected}을(를) 기대했지만 {got}을(를) 받았습니다",
                   "expected keys {expected}, got keys {got}"),
    "at": ("{where}에서: {detail}", "at {where}: {detail}"),
    "raised": ("예외 발생: {error}", "raised {error}"),
    "timeout": ("{seconds}초 안에 끝나지 않아 중단했습니다",
                "stopped: took longer than {seconds} s"),
    "mutated": ("입력 {name}을(를) 바꾸었습니다(입력은 그대로 두어야 합니다)",
                "changed its input {name} (inputs must stay unchanged)"),
    "not_callable": ("{name}은(는) 함수가 아닙니다", "{name} is not a function"),
    "unknown_exercise": ("알 수 없는 연습 문제 {name}입니다. 있는 문제: {known}",
                         "unknown exercise {name}; known: {known}"),
    "score": ("점수 {score} / {points}", "score {score} / {points}"),
    "more_cases": ("채점할 때는 공개되지 않은 사례가 더 실행됩니다",
                   "more cases run at grading time"),
    "case": ("사례", "case"),
    "result": ("결과", "result"),
    "forbidden": ("채점 파일을 읽으려 했습니다", "tried to read grading files"),
}


def msg(key, **fields):
    """``(ko, en)`` for the message ``key`` with ``fields`` filled in."""
    ko, en = MESSAGES[key]
    return ko.format(**fields), en.format(**fields)


def both(key, **fields):
    ko, en = msg(key, **fields)
    return f"{en} · {ko}"
