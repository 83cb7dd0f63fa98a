"""Every message a learner or an instructor sees, in Korean and English.

``msg(key, **fields)`` returns ``(ko, en)``; ``both(key, ...)`` joins them as "ko · en"
(:func:`d2lmini.bilingual.text`).
"""

from .. import bilingual

MESSAGES = {
    "not_implemented": ("아직 구현하지 않았습니다", "not implemented yet"),
    "passed": ("통과", "passed"),
    "mismatch": ("기댓값 {expected}, 실제 값 {got}", "expected {expected}, got {got}"),
    "wrong_type": (
        "자료형이 {expected}이어야 하는데 {got}입니다",
        "expected a {expected}, got a {got}",
    ),
    "wrong_shape": (
        "모양이 {expected}이어야 하는데 {got}입니다",
        "expected shape {expected}, got shape {got}",
    ),
    "wrong_length": (
        "길이가 {expected}이어야 하는데 {got}입니다",
        "expected length {expected}, got length {got}",
    ),
    "wrong_keys": (
        "키가 {expected}이어야 하는데 {got}입니다",
        "expected keys {expected}, got keys {got}",
    ),
    "at": ("{where}에서: {detail}", "at {where}: {detail}"),
    "raised": ("예외 발생: {error}", "raised {error}"),
    "timeout": (
        "{seconds}초 안에 끝나지 않아 중단했습니다",
        "stopped: took longer than {seconds} s",
    ),
    "mutated": (
        "입력 {name}을(를) 바꾸었습니다(입력은 그대로 두어야 합니다)",
        "changed its input {name} (inputs must stay unchanged)",
    ),
    "not_callable": ("{name}은(는) 함수가 아닙니다", "{name} is not a function"),
    "unknown_exercise": (
        "알 수 없는 연습 문제 {name}입니다. 있는 문제: {known}",
        "unknown exercise {name}; known: {known}",
    ),
    "score": ("점수 {score} / {points}", "score {score} / {points}"),
    "more_cases": (
        "채점할 때는 공개되지 않은 사례가 더 실행됩니다",
        "more cases run at grading time",
    ),
    "case": ("사례", "case"),
    "why": ("왜 그런가:", "Why:"),
    "hint_call": (
        'hint("{id}")로 힌트를 하나씩 볼 수 있습니다',
        'hint("{id}") shows a hint, one at a time',
    ),
    "hints_title": ("힌트 {count}개", "{count} hints"),
    "hint_number": ("힌트 {n}/{total}", "hint {n}/{total}"),
    "last_hint": ("마지막 힌트입니다", "that was the last hint"),
    "result": ("결과", "result"),
    "forbidden": ("채점 파일을 읽으려 했습니다", "tried to read grading files"),
    "wrong_dtype": (
        "텐서의 자료형이 {expected}이어야 하는데 {got}입니다",
        "expected a tensor of {expected}, got a tensor of {got}",
    ),
    "shortcut_autograd": (
        "이 문제에서 금지한 자동 미분({what})을 썼습니다",
        "used automatic differentiation ({what}), which this exercise forbids",
    ),
    "shortcut_nn_rnn": (
        "이 문제에서 금지한 nn.RNN 만들기({what})를 했습니다",
        "built an nn.RNN ({what}), which this exercise forbids",
    ),
    "shortcut_jamo": (
        "이 문제에서 금지한 함수({what})를 썼습니다. 자모는 코드 포인트의 산술로 "
        "구해야 합니다",
        "used {what}, which this exercise forbids: find the jamo by code-point "
        "arithmetic",
    ),
    "shortcut_loader": (
        "이 문제에서 금지한 함수({what})를 썼습니다. 창은 직접 잘라야 합니다",
        "used {what}, which this exercise forbids: cut the windows yourself",
    ),
    "not_data": (
        "데이터가 아닌 값을 반환했습니다({what})",
        "returned something that is not plain data ({what})",
    ),
    "no_output": ("결과를 돌려받지 못했습니다", "no result came back"),
    # the gradebook's status (English) and status_ko (Korean) columns
    "ok": ("정상", "ok"),
    "empty_file": ("빈 파일입니다", "empty file"),
    "too_large": ("노트북이 너무 큽니다({mb} MB)", "notebook too large ({mb} MB)"),
    "bad_json": ("올바른 JSON이 아닙니다({error})", "not valid JSON ({error})"),
    "not_notebook": (
        "노트북이 아닙니다(셀 목록이 없음)",
        "not a notebook (no list of cells)",
    ),
    "unknown_chapter": (
        "어느 장의 노트북인지 알 수 없습니다(d2lmini 메타데이터가 없고, 파일 "
        "이름도 9_N으로 시작하지 않음)",
        "unknown chapter (no d2lmini metadata, no 9_N file name)",
    ),
    "missing_function": ("{name} 함수가 없습니다", "missing function {name}"),
    "function_problem": ("{name} 함수: {detail}", "{name}: {detail}"),
    "case_too_long": ("너무 오래 걸린 사례가 있습니다", "a case ran too long"),
    "mutated_input": ("입력을 바꾸었습니다", "mutated its input"),
    "returned_wrong_type": (
        "잘못된 자료형의 값을 반환했습니다",
        "returned the wrong type",
    ),
    "not_implemented_short": ("구현하지 않았습니다", "not implemented"),
    "cell_problem": ("셀 {cell}: {error}", "cell {cell}: {error}"),
    "called_exit": ("sys.exit()를 호출했습니다", "called sys.exit()"),
    "cell_too_long": ("{seconds}초 넘게 실행되었습니다", "ran longer than {seconds} s"),
    "in_cell": ("셀 {cell}에서 ", " in cell {cell}"),
    "during": ("{id} 채점 중에 ", " during {id}"),
    "killed_time_limit": (
        "{where}시간 제한을 넘겨 중단했습니다",
        "killed after the time limit{where}",
    ),
    "killed_signal": (
        "{where}프로세스가 신호 {signal}번을 받아 강제 종료되었습니다",
        "process killed by signal {signal}{where}",
    ),
    "blocked": (
        "허용되지 않은 동작을 시도해 0점 처리했습니다: {what}",
        "scored 0: tried something not allowed while graded: {what}",
    ),
    "blocked_read": ("채점 파일이나 다른 파일 읽기({path})", "reading {path}"),
    "blocked_write": ("허용되지 않은 곳에 쓰기({path})", "writing {path}"),
    "blocked_process": ("프로세스 만들기({event})", "starting a process ({event})"),
    "blocked_signal": (
        "다른 프로세스에 신호 보내기({event})",
        "sending a signal ({event})",
    ),
    "blocked_native": (
        "ctypes로 C 함수 호출하기({event})",
        "calling C through ctypes ({event})",
    ),
    "blocked_introspection": (
        "인터프리터 내부 뒤지기({event})",
        "searching the interpreter's objects ({event})",
    ),
    "blocked_network": ("네트워크 사용({event})", "using the network ({event})"),
    "blocked_other": ("허용되지 않은 동작({event})", "{event}"),
    "wrong_results": (
        "사례 {cases}개 중 {wrong}개의 결과가 틀렸습니다",
        "wrong result in {wrong} of {cases} cases",
    ),
    "forged": (
        "요청하지 않은 결과를 보냈습니다(위조한 줄)",
        "sent results nobody asked for (forged lines)",
    ),
    "grader_killed": (
        "{where}채점 프로세스가 강제 종료되었습니다",
        "the grading process was killed{where}",
    ),
    "output_too_large": (
        "결과가 너무 큽니다({mb} MB 넘음)",
        "results too large (over {mb} MB)",
    ),
    "no_sandbox": ("OS 샌드박스 없이 채점했습니다", "graded without an OS sandbox"),
    "ended_early": (
        "{where}프로세스가 도중에 끝났습니다(종료 코드 {code})",
        "process ended early (exit code {code}){where}",
    ),
}


def msg(key, **fields):
    """``(ko, en)`` for the message ``key`` with ``fields`` filled in."""
    ko, en = MESSAGES[key]
    return ko.format(**fields), en.format(**fields)


def both(key, **fields):
    """``"한국어 · English"`` for the message ``key``."""
    return bilingual.text(*msg(key, **fields))


def message_of(spec):
    """``(ko, en)`` for a message a grading process sent as ``[key, fields]``.
    A field may be a nested ``[key, fields]`` or a ``{"ko": ..., "en": ...}``
    pair; anything else is used as it is in both languages. A malformed spec (a
    forged event from a submission) comes back as its text, in both columns."""
    try:
        key, fields = spec
        ko, en = MESSAGES[key]
        ko_fields, en_fields = {}, {}
        for name, value in fields.items():
            if isinstance(value, list):
                ko_fields[name], en_fields[name] = message_of(value)
            elif isinstance(value, dict):
                ko_fields[name], en_fields[name] = str(value["ko"]), str(value["en"])
            else:
                ko_fields[name] = en_fields[name] = value
        return ko.format(**ko_fields), en.format(**en_fields)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        text = str(spec)[:200]
        return text, text
