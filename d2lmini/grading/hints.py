"""Graded hints and explanations of the exercises, in Korean and English.

``HINTS[id]`` lists two or three hints, from a nudge to nearly the method (never the
code); ``hint(id)`` shows the next one. ``EXPLAIN[id]`` explains the answer of a
predict-or-diagnose exercise; ``check`` shows it after a wrong result. Texts only: this
module imports nothing, so a learner's kernel may load it without the reference
implementations.
"""

HINTS = {
    # ------------------------------------------------------------ 9.1
    "9.1-lag-features": [
        (
            "예제 하나는 시간 단계 t의 레이블 x_t와 그 바로 앞의 값 τ개로 "
            "이루어집니다. 첫 예제의 레이블은 몇 번째 값입니까?",
            "One example is the label x_t of time step t and the τ values right "
            "before it. Which value is the label of the first example?",
        ),
        (
            "특성 행렬의 열 i는 x에서 위치 i부터 시작하는 길이 T - τ의 구간입니다. "
            "이런 열을 τ개 쌓으면 됩니다.",
            "Column i of the features is the stretch of x of length T - τ that "
            "starts at i. Stack τ such columns.",
        ),
    ],
    "9.1-k-step-ahead": [
        (
            "관측값은 history에만 있습니다. 두 번째 예측부터는 창에 무엇이 들어갑니까?",
            "Observations exist only in history. From the second prediction on, "
            "what goes into the window?",
        ),
        (
            "창을 리스트로 두고, 예측할 때마다 그 예측을 "
            "창 끝에 붙인 다음 마지막 τ개만 "
            "씁니다. 돌려줄 값은 새로 붙인 k개입니다.",
            "Keep the window as a list: append each prediction to it and use only "
            "its last τ values. Return the k values you appended.",
        ),
    ],
    "9.1-k-step-error": [
        (
            "ε_1 = ε̄에서 시작해 예측 한 번마다 ε_k = ε̄ + c ε_(k-1)을 적용해 보세요.",
            "Start from ε_1 = ε̄ and apply ε_k = ε̄ + c ε_(k-1) once per prediction.",
        ),
        (
            "펼치면 등비수열의 합 ε̄ (1 + c + ... + c^(k-1))입니다. "
            "c = 1이면 합의 공식 ε̄ (1 - c^k) / (1 - c)의 분모가 0이 되므로 조심하세요.",
            "Unrolled, it is the geometric sum ε̄ (1 + c + ... + c^(k-1)). Careful: "
            "at c = 1 the denominator of the closed form ε̄ (1 - c^k) / (1 - c) is 0.",
        ),
    ],
    "9.1-forecast-limit": [
        (
            "예측이 상수 x*에 머문다면 점화식의 양변이 모두 x*입니다. "
            "이 조건으로 x*를 구해 보세요.",
            "If the forecasts settle at a constant x*, both sides of the recurrence "
            "equal x*. Solve that for x*.",
        ),
        (
            "x*가 있어도 예측이 그곳으로 간다는 보장은 없습니다. 9.1절에서는 가중치의 "
            "합이 아니라 특성 다항식의 근을 보았습니다.",
            "A fixed point may exist without the forecasts reaching it. Section 9.1 "
            "looks at the roots of the characteristic polynomial, not at the sum of "
            "the weights.",
        ),
        (
            "w[0]은 가장 오래된 값에 곱해지므로 9.1절의 w_1은 w[τ-1]입니다. "
            "np.roots([1, -w_1, ..., -w_τ])의 절댓값 가운데 가장 큰 것이 ρ입니다.",
            "w[0] weighs the oldest value, so Section 9.1's w_1 is w[τ-1]. ρ is the "
            "largest modulus among np.roots([1, -w_1, ..., -w_τ]).",
        ),
    ],
    "9.1-ar-least-squares": [
        (
            "연습 1의 특성에 값이 모두 1인 열을 하나 더 붙이면 편향 b도 가중치 하나가 "
            "됩니다.",
            "Append a column of ones to the features of Exercise 1, and the bias b "
            "becomes one more weight.",
        ),
        (
            "torch.linalg.lstsq(A, y)는 ‖A θ - y‖²를 최소로 하는 θ를 돌려줍니다. "
            "정밀도를 높이려면 float64로 풀고, w만 입력의 dtype으로 되돌리세요.",
            "torch.linalg.lstsq(A, y) returns the θ that minimizes ‖A θ - y‖². Solve "
            "in float64 for accuracy and cast w back to the input's dtype.",
        ),
    ],
    # ------------------------------------------------------------ 9.2
    "9.2-build-vocab": [
        (
            "인덱스 0은 언제나 <unk>입니다. 예약 토큰은 "
            "빈도와 관계없이 그 바로 뒤에 옵니다.",
            "Index 0 is always <unk>. The reserved tokens come right after it, "
            "whatever their frequency.",
        ),
        (
            "collections.Counter로 센 뒤 (-빈도, 토큰) 순으로 정렬하면 빈도가 같은 "
            "토큰이 문자열 순서로 놓입니다. 이미 들어간 토큰은 건너뛰세요.",
            "Count with collections.Counter and sort by (-count, token): ties fall "
            "in string order. Skip tokens already in the list.",
        ),
    ],
    "9.2-unk-fraction": [
        (
            "서로 다른 토큰(종류)의 비율과 코퍼스의 토큰(출현)의 비율은 다른 수입니다. "
            "분모가 각각 무엇입니까?",
            "The share of distinct tokens (types) and the share of the corpus' "
            "tokens (occurrences) are different numbers. What is each denominator?",
        ),
        (
            "빈도가 min_freq보다 작은 종류를 모으세요. 그 종류의 수와, 그 종류들이 "
            "코퍼스에 나온 횟수의 합을 각각 알맞은 전체 수로 나눕니다.",
            "Collect the types whose count is below min_freq; divide their number, "
            "and the sum of their counts, by the right totals.",
        ),
    ],
    "9.2-zipf-exponent": [
        (
            "n_i ∝ i^(-α)의 양변에 로그를 취하면 직선의 식 "
            "log n_i = -α log i + 상수가 나옵니다.",
            "Taking logs of n_i ∝ i^(-α) gives the line log n_i = -α log i + const.",
        ),
        (
            "x = log i, y = log n_i로 구한 최소제곱 직선의 기울기는 "
            "Σ(x - x̄)(y - ȳ) / Σ(x - x̄)²입니다. α는 그 기울기의 부호를 바꾼 값입니다.",
            "The least-squares slope of y = log n_i on x = log i is "
            "Σ(x - x̄)(y - ȳ) / Σ(x - x̄)². α is minus that slope.",
        ),
    ],
    "9.2-zipf-share": [
        (
            "지프의 법칙에서 i번째 단어의 빈도는 i^(-α)에 비례합니다. "
            "비례 상수는 비율을 구할 때 약분됩니다.",
            "Under Zipf's law the i-th word's count is proportional to i^(-α); the "
            "constant cancels in a share.",
        ),
        (
            "상위 k개의 빈도 합을 전체 N개의 빈도 합으로 나눕니다. k/N이 아닙니다.",
            "Divide the sum over the top k ranks by the sum over all N ranks. It is "
            "not k/N.",
        ),
    ],
    "9.2-jamo": [
        (
            "음절의 코드 포인트 c에서 0xAC00을 빼고 588(= 21 × 28)로 나누면 "
            "몫이 i입니다. 나머지를 28로 나누면 몫이 m, 나머지가 f입니다. "
            "divmod를 두 번 쓰면 됩니다.",
            "Subtract 0xAC00 from the syllable's code point c and divide by "
            "588 (= 21 × 28): the quotient is i. Divide the remainder by 28: the "
            "quotient is m and the remainder f. Two calls of divmod do it.",
        ),
        (
            "종성의 기준이 U+11A8이 아니라 U+11A7인 것은 f = 0이 '종성 없음'을 뜻하기 "
            "때문입니다. 첫 종성 ㄱ(f = 1)이 U+11A8이고, f = 0이면 초성과 중성 두 "
            "자모만 씁니다.",
            "The finals start from U+11A7, not U+11A8, because f = 0 means 'no "
            "final': the first final, KIYEOK (f = 1), is U+11A8, and for f = 0 you "
            "write the initial and the medial only.",
        ),
        (
            "문자를 하나씩 보면서 U+AC00–U+D7A3 안에 있는 문자만 나누고, 나머지는 "
            "그대로 붙이세요. 호환용 자모, 이미 나뉜 조합형 자모, 숫자, é가 모두 "
            "그대로 남아야 합니다. NFD는 é까지 나누므로 답과 다릅니다.",
            "Go through the text one character at a time: split only those in "
            "U+AC00–U+D7A3 and copy the rest. Compatibility jamo, conjoining jamo "
            "already split, digits and é must all stay. NFD splits é as well, so it "
            "gives a different answer.",
        ),
    ],
    # ------------------------------------------------------------ 9.3
    "9.3-bigram-probs": [
        (
            "먼저 이웃한 두 토큰 (tokens[j], tokens[j + 1])마다 횟수 행렬의 "
            "성분 하나를 1 늘립니다.",
            "First add 1 to one entry of a count matrix for every neighboring pair "
            "(tokens[j], tokens[j + 1]).",
        ),
        (
            "행 x의 합이 n(x)입니다. 모든 성분에 k를 더하면 행마다 분모에 k|V|가 "
            "더해집니다.",
            "Row x sums to n(x). Adding k to every entry adds k|V| to each row's "
            "denominator.",
        ),
    ],
    "9.3-perplexity": [
        (
            "퍼플렉서티는 음의 로그 확률의 평균(교차 엔트로피)에 지수 함수를 취한 "
            "값입니다.",
            "Perplexity is the exponential of the mean negative log-probability "
            "(the cross-entropy).",
        ),
        (
            "리스트와 텐서를 모두 받도록 torch.as_tensor(..., dtype=torch.float64)로 "
            "바꾼 뒤 평균을 내고, float로 돌려주세요.",
            "Accept lists and tensors alike with torch.as_tensor(..., "
            "dtype=torch.float64), take the mean, and return a float.",
        ),
    ],
    "9.3-partition": [
        (
            "마지막 창의 타깃은 입력보다 한 칸 뒤에서 끝납니다. 그 토큰도 코퍼스 "
            "안에 있어야 합니다.",
            "The target of the last window ends one position after its input. That "
            "token must be in the corpus too.",
        ),
        (
            "m을 구한 다음, X는 위치 d부터 m·s개 토큰을, Y는 위치 d + 1부터 m·s개 "
            "토큰을 (m, s) 모양으로 바꾸면 됩니다.",
            "Once you have m, X is the m·s tokens from position d reshaped to "
            "(m, s), and Y the m·s tokens from position d + 1.",
        ),
    ],
    "9.3-shared-positions": [
        (
            "창 i는 입력과 타깃을 합쳐 위치 i부터 i + s까지, 토큰 s + 1개를 씁니다.",
            "Window i uses positions i to i + s, s + 1 tokens, inputs and targets "
            "together.",
        ),
        (
            "학습 창 전체가 덮는 구간과 검증 창 전체가 덮는 구간을 각각 구한 뒤 두 "
            "구간이 겹치는 길이를 세세요(겹치지 않으면 0).",
            "Find the interval all training windows cover and the one all "
            "validation windows cover, then count the length of their overlap (0 "
            "when they do not meet).",
        ),
    ],
    "9.3-predict-perplexity": [
        (
            "퍼플렉서티는 실제 토큰에 준 확률의 역수를 산술평균한 값이 아닙니다. "
            "평균하는 것은 로그 확률입니다.",
            "Perplexity is not the arithmetic mean of the inverse probabilities: "
            "it averages the log-probabilities.",
        ),
        (
            "위치 가운데 비율 f만큼에서는 로그 확률이 log p_1, 나머지에서는 log p_2"
            "이므로 평균 로그 확률은 f log p_1 + (1 - f) log p_2입니다.",
            "A share f of the positions contributes log p_1 and the rest log p_2, "
            "so the mean log-probability is f log p_1 + (1 - f) log p_2.",
        ),
    ],
    # ------------------------------------------------------------ 9.4
    "9.4-rnn-step": [
        (
            "9.4절의 식을 행 벡터 표기 관례 그대로 옮기면 됩니다. "
            "X_t W_xh의 모양은 (B, h)입니다.",
            "Write Section 9.4's formula as it stands, in the row-vector convention: "
            "X_t W_xh has shape (B, h).",
        ),
        (
            "b_h는 모양이 (h,)이므로 브로드캐스팅으로 모든 행에 더해집니다. "
            "마지막에 torch.tanh를 적용하세요.",
            "b_h has shape (h,), so broadcasting adds it to every row. Apply "
            "torch.tanh last.",
        ),
    ],
    "9.4-rnn-forward": [
        (
            "같은 매개변수로 연습 1의 한 단계를 T번 되풀이하며, 매번 새 은닉 상태를 "
            "다음 단계에 넘깁니다.",
            "Repeat Exercise 1's step T times with the same parameters, passing "
            "each new hidden state to the next step.",
        ),
        (
            "각 단계의 은닉 상태를 리스트에 모은 뒤 "
            "torch.stack으로 (T, B, h)를 만듭니다. "
            "두 번째 반환값은 마지막 은닉 상태입니다.",
            "Collect the states in a list and torch.stack them into (T, B, h). The "
            "second result is the last state.",
        ),
    ],
    "9.4-window-states": [
        (
            "두 방식은 창이 시작할 때의 은닉 상태만 다릅니다. 첫 창은 어느 쪽이든 "
            "0에서 시작합니다.",
            "The two ways differ only in the hidden state a window starts from. The "
            "first window starts from 0 either way.",
        ),
        (
            "stateful=True이면 앞 창의 마지막 상태를 이어 쓰고, 아니면 0으로 "
            "되돌립니다. 끝에 남는 짧은 조각은 버립니다.",
            "With stateful=True, carry the previous window's last state over; "
            "otherwise reset it to 0. Drop the short piece left at the end.",
        ),
    ],
    "9.4-first-dependence": [
        (
            "X_t는 W_xh를 거쳐 H_t에 들어가고, 시간 단계마다 W_hh를 한 번씩 더 거친 뒤 "
            "W_hq를 거쳐 출력에 닿습니다. 어느 은닉 유닛이 0이 아닌 값을 받습니까?",
            "X_t enters H_t through W_xh, passes through W_hh once more at every time "
            "step, and reaches the output through W_hq. Which hidden units receive "
            "a nonzero entry?",
        ),
        (
            "tanh의 도함수는 0이 되지 않으므로 0이 아닌 성분의 위치만 보면 "
            "됩니다. W_xh W_hh^k W_hq에 0이 아닌 성분이 처음 생기는 k를 찾으세요.",
            "The derivative of tanh is never 0, so only the pattern of "
            "nonzero entries matters: find the first k at which W_xh W_hh^k W_hq "
            "has a nonzero entry.",
        ),
    ],
    "9.4-lm-sizes": [
        (
            "매개변수는 시간 단계마다 새로 생기지 않습니다. 어떤 인자가 매개변수 수에 "
            "영향을 줍니까?",
            "Parameters are not created anew at each time step. Which arguments "
            "affect their number?",
        ),
        (
            "W_xh, W_hh, b_h, W_hq, b_q 다섯 개의 크기를 더하세요. 원-핫 입력이므로 "
            "입력의 차원은 |V|입니다.",
            "Add up the sizes of W_xh, W_hh, b_h, W_hq and b_q. The inputs are "
            "one-hot, so their dimension is |V|.",
        ),
    ],
    # ------------------------------------------------------------ 9.5
    "9.5-clip-global-norm": [
        (
            "노름은 텐서마다 따로 구하지 않습니다. 모든 기울기를 한 벡터로 이어 붙여 "
            "한 번만 계산합니다.",
            "The norm is not taken per tensor: it is one norm over all gradients "
            "joined into one vector.",
        ),
        (
            "모든 기울기에 같은 배율 min(1, θ / ‖g‖)을 곱합니다. 입력 텐서를 "
            "제자리에서 바꾸지 말고 새 텐서를 돌려주세요.",
            "Multiply every gradient by the same factor min(1, θ / ‖g‖). Return "
            "new tensors; do not change the inputs in place.",
        ),
    ],
    "9.5-greedy-decode": [
        (
            "접두사의 토큰도 step에 넣어야 합니다(워밍업). 그래야 접두사가 상태에 "
            "반영됩니다.",
            "Feed the prefix tokens through step too (the warm-up), so that the "
            "state remembers them.",
        ),
        (
            "매번 argmax로 고른 토큰을 결과에 붙이고, 그 토큰과 지금 상태로 step을 한 "
            "번 더 호출합니다. step이 돌려준 상태를 버리지 마세요.",
            "Each time, append the argmax and call step again with that token and "
            "the current state. Never drop the state that step returns.",
        ),
    ],
    "9.5-greedy-loop": [
        (
            "토큰이 |V|개뿐이므로 |V|단계 안에 이미 나온 토큰이 다시 나옵니다. "
            "그다음은 어떻게 됩니까?",
            "With only |V| tokens, some token repeats within |V| steps. What "
            "happens after that?",
        ),
        (
            "되풀이가 시작되는 단계 μ(처음으로 되풀이되는 토큰이 처음 나온 단계)와 "
            "되풀이 구간의 길이 λ를 구하세요. 그러면 n ≥ μ일 때 n번째 토큰은 "
            "(n - μ) mod λ만으로 정해집니다.",
            "Find the step μ at which the first repeated token first appeared and "
            "the loop length λ; for n ≥ μ the n-th token depends only on "
            "(n - μ) mod λ.",
        ),
    ],
    "9.5-temperature-sample": [
        (
            "로짓을 온도로 나눈 뒤 소프트맥스를 취하면 확률이 됩니다. 역변환 샘플링은 "
            "누적 확률을 씁니다.",
            "Divide the logits by the temperature and take the softmax. Inverse "
            "transform sampling uses the cumulative probabilities.",
        ),
        (
            "누적 확률이 처음으로 u보다 커지는 인덱스를 돌려줍니다. 반올림 오차 때문에 "
            "마지막 누적 확률이 u보다 작게 나오면 마지막 인덱스를 돌려주세요.",
            "Return the first index whose cumulative probability exceeds u. If "
            "rounding leaves the last one below u, return the last index.",
        ),
    ],
    "9.5-sequential-windows": [
        (
            "창을 행마다 따로 만들지 말고 먼저 스트림 B개를 만드세요. 스트림 b는 "
            "토큰 offset + bL에서 시작하고 길이가 L입니다. 타깃 스트림은 같은 "
            "구간을 한 토큰 뒤로 민 것입니다.",
            "Do not build the windows row by row: make the B streams first. Stream "
            "b starts at token offset + bL and has length L; its target stream is "
            "the same stretch moved one token later.",
        ),
        (
            "스트림을 쌓은 (B, L) 행렬에서 미니배치 i는 열 i·num_steps부터 "
            "num_steps개입니다. 미니배치의 행은 스트림이고, 미니배치는 스트림을 따라 "
            "앞으로 나아갑니다. 그래서 미니배치 i + 1의 b번째 행이 미니배치 i의 b번째 "
            "행에 이어집니다.",
            "In the (B, L) matrix of stacked streams, minibatch i is the num_steps "
            "columns from column i·num_steps on. The rows of a minibatch are the "
            "streams, and the minibatches move forward along them, which is why "
            "row b of minibatch i + 1 continues row b of minibatch i.",
        ),
        (
            "L은 offset에 따라 달라지고, 미니배치 수는 L을 num_steps로 나눈 몫입니다. "
            "마지막 스트림의 타깃은 토큰 offset + BL까지 쓰므로 L을 구할 때 1을 "
            "빼야 합니다.",
            "L depends on offset, and the number of minibatches is L divided by "
            "num_steps, rounded down. The targets of the last stream reach token "
            "offset + BL, which is why L is computed after subtracting 1.",
        ),
    ],
    "9.5-context-and-reach": [
        (
            "순전파와 역전파를 따로 생각하세요. 상태를 넘기면 은닉 상태는 앞 창에서 "
            "읽은 입력도 담고 있습니다. 그렇다면 detach()는 둘 가운데 어느 쪽을 "
            "끊습니까?",
            "Think of the forward and the backward pass apart. A state handed on "
            "holds the inputs of earlier windows too. Which of the two passes does "
            "detach() cut?",
        ),
        (
            "에폭의 처음부터 창 i의 위치 j까지 한 스트림에서 읽은 입력은 "
            "i · num_steps + j + 1개입니다. 기울기는 창의 경계를 넘지 못하므로 창 안의 "
            "위치 0 … j에만 닿습니다.",
            "From the start of the epoch to position j of window i, one stream has "
            "read i · num_steps + j + 1 inputs. The gradient cannot cross a window "
            "boundary, so it reaches positions 0 … j of the window only.",
        ),
    ],
    "9.5-interpolated-bits": [
        (
            "먼저 train에서 길이 1부터 n까지의 m-그램을 모두 세어, 튜플을 키로 하는 "
            "딕셔너리에 담으세요. n(c)는 앞쪽 토큰 m - 1개가 c인 m-그램의 수이므로 "
            "같은 반복문에서 함께 셀 수 있습니다.",
            "First count every m-gram of length 1 to n in train, in a dictionary "
            "keyed by tuples. n(c) is the number of m-grams whose first m - 1 "
            "tokens are c, so the same loop can count it too.",
        ),
        (
            "위치마다 P_0 = 1/|V|에서 시작해 m = 1, 2, …, n 순서로 P를 갱신합니다. "
            "차수 m의 문맥은 val[t - m + 1 : t]입니다. 학습 텍스트에 없던 문맥이면 "
            "n(c) = 0이므로 P_m은 P_(m-1)과 같습니다.",
            "At every position start from P_0 = 1/|V| and update P for "
            "m = 1, 2, …, n in turn. At order m the context is val[t - m + 1 : t]; "
            "for a context never seen, n(c) = 0 and P_m equals P_(m-1).",
        ),
        (
            "확률을 매기는 위치는 t = n - 1부터 len(val) - 1까지 "
            "len(val) - n + 1개입니다. -log₂ P를 더한 뒤 이 개수로 나누세요.",
            "The positions scored are t = n - 1 to len(val) - 1, len(val) - n + 1 "
            "of them. Add up -log₂ P and divide by that count.",
        ),
    ],
    # ------------------------------------------------------------ 9.6
    "9.6-rnnlm-forward": [
        (
            "nn.RNN에 넣는 입력은 (T, B, 입력 차원) 모양이어야 합니다. (B, T) 모양인 "
            "X의 축부터 바꾸세요.",
            "The input of nn.RNN must have the shape (T, B, input size). Swap the "
            "axes of X, shape (B, T), first.",
        ),
        (
            "X.T를 원-핫 인코딩해 float로 바꾼 뒤 rnn에 넣고, 그 출력에 linear를 "
            "적용합니다. 결과는 다시 (B, T, |V|) 모양으로 바꾸어 돌려줍니다.",
            "One-hot encode X.T as floats, run rnn, apply linear, and transpose back "
            "to (B, T, |V|).",
        ),
    ],
    "9.6-scratch-from-nn-rnn": [
        (
            "nn.RNN은 x W_ih^T + b_ih + h W_hh^T + b_hh를 계산합니다. 9.5절의 "
            "X W_xh와 어떤 관계입니까?",
            "nn.RNN computes x W_ih^T + b_ih + h W_hh^T + b_hh. How does that "
            "relate to Section 9.5's X W_xh?",
        ),
        (
            "가중치는 전치하고, 두 편향은 언제나 함께 더해지므로 하나로 합칩니다. "
            "bias=False이면 편향이 없으니 0으로 둡니다.",
            "Transpose the weights; the two biases are always added together, so "
            "merge them. With bias=False there are none: use zeros.",
        ),
    ],
    "9.6-two-biases": [
        (
            "순전파에서 두 편향은 합 b_ih + b_hh로만 쓰입니다. 그러면 두 편향의 "
            "기울기는 각각 무엇입니까?",
            "In the forward pass the two biases appear only as the sum b_ih + b_hh. "
            "What is the gradient of each?",
        ),
        (
            "두 편향이 같은 g를 받고 각각 η g만큼 움직입니다. 전역 노름의 제곱에는 "
            "‖g‖²가 두 번 들어갑니다.",
            "Both biases receive the same g and each moves by η g. The squared "
            "global norm counts ‖g‖² twice.",
        ),
    ],
    # ------------------------------------------------------------ 9.7
    "9.7-bptt": [
        (
            "순전파에서 모든 H_t를 저장해 두세요. 역전파는 t = T부터 거꾸로 갑니다.",
            "Store every H_t in the forward pass; the backward pass runs from "
            "t = T down.",
        ),
        (
            "dA_t = (G_t + dH_t) ⊙ (1 - H_t²)로 두고, dW_xh += X_t^T dA_t, "
            "dW_hh += H_(t-1)^T dA_t로 누적합니다. db_h에는 dA_t를 배치 축으로 더한 "
            "값(dA_t.sum(0))을 더합니다. 앞 단계로는 dA_t W_hh^T를 넘깁니다.",
            "With dA_t = (G_t + dH_t) ⊙ (1 - H_t²): dW_xh += X_t^T dA_t, "
            "dW_hh += H_(t-1)^T dA_t, db_h += dA_t summed over the batch axis "
            "(dA_t.sum(0)), and dA_t W_hh^T goes back to the step before.",
        ),
    ],
    "9.7-truncated-grad": [
        (
            "h_t = w h_(t-1) + x_t이므로 ∂h_t/∂w = h_(t-1) + w ∂h_(t-1)/∂w입니다. "
            "펼치면 항이 T개인 합이 됩니다.",
            "h_t = w h_(t-1) + x_t gives ∂h_t/∂w = h_(t-1) + w ∂h_(t-1)/∂w; unrolled, "
            "a sum of T terms.",
        ),
        (
            "항 i는 w^(T-i) h_(i-1)입니다. 절단은 가장 최근의 항 k개만 "
            "남깁니다(k가 T 이상이면 모두).",
            "Term i is w^(T-i) h_(i-1). Truncation keeps only the k most recent "
            "terms (all of them when k is at least T).",
        ),
    ],
    "9.7-randomized-estimate": [
        (
            "9.7.1.5절의 z_t 식에서 ξ_t가 곱해지는 것은 두 항 가운데 어느 쪽입니까?",
            "In Section 9.7.1.5's equation for z_t, which of the two terms does ξ_t "
            "multiply?",
        ),
        (
            "먼저 h_0, ..., h_T를 계산한 다음 z_0 = 0에서 시작해 "
            "z_t = h_(t-1) + ξ_t w z_(t-1)을 t = 1, ..., T에 적용하세요.",
            "Compute h_0, ..., h_T first, then start from z_0 = 0 and apply "
            "z_t = h_(t-1) + ξ_t w z_(t-1) for t = 1, ..., T.",
        ),
    ],
    "9.7-jacobian-norms": [
        (
            "‖·‖₂는 가장 큰 특잇값입니다. 프로베니우스 노름(원소 제곱합의 제곱근)이 "
            "아닙니다.",
            "‖·‖₂ is the largest singular value, not the Frobenius norm (the root "
            "of the sum of squared entries).",
        ),
        (
            "torch.linalg.matrix_norm(A, ord=2)가 스펙트럼 노름입니다. 거듭제곱 W^t는 "
            "torch.linalg.matrix_power로 구합니다.",
            "torch.linalg.matrix_norm(A, ord=2) is the spectral norm; "
            "torch.linalg.matrix_power gives W^t.",
        ),
    ],
    "9.7-gradient-fate": [
        (
            "처음 몇 단계 동안 노름이 커진다고 해서 끝까지 커지는 것은 아닙니다. "
            "t가 충분히 클 때의 거동은 무엇으로 정해집니까?",
            "Growing over the first steps does not mean growing forever. What "
            "decides the long-run behavior?",
        ),
        (
            "스펙트럼 반지름 ρ(고윳값의 절댓값 가운데 가장 큰 값)를 보세요. 가장 큰 "
            "특잇값이나 원소의 크기로는 판단할 수 없습니다.",
            "Look at the spectral radius ρ, the largest modulus of an eigenvalue, "
            "not at the largest singular value or at the entries.",
        ),
    ],
    "9.7-one-unit-grad": [
        (
            "점화식 a_t = b_t + c_t a_(t-1)에서 c_t는 ∂x_t/∂x_(t-1)이고, b_t는 "
            "x_(t-1)을 고정하고 x_t를 매개변수로 미분한 값입니다. c_t는 w로 미분할 "
            "때나 b로 미분할 때나 같고, b_t만 다릅니다. x_0은 w와 b에 달려 있지 "
            "않으므로 a_0 = 0입니다.",
            "In a_t = b_t + c_t a_(t-1), c_t is ∂x_t/∂x_(t-1) and b_t is the "
            "derivative of x_t with respect to the parameter with x_(t-1) held "
            "fixed. c_t is the same for w and for b; only b_t differs. x_0 depends "
            "on neither w nor b, so a_0 = 0.",
        ),
        (
            "σ'(x) = σ(x)(1 - σ(x))이므로 c_t = w σ(x_(t-1))(1 - σ(x_(t-1)))입니다. "
            "w로 미분할 때의 b_t는 σ(x_(t-1))이고, b로 미분할 때의 b_t는 1입니다. "
            "두 도함수는 상태를 x_t로 바꾸기 전에 x_(t-1)을 써서 갱신하세요.",
            "σ'(x) = σ(x)(1 - σ(x)), so c_t = w σ(x_(t-1))(1 - σ(x_(t-1))). The b_t "
            "for w is σ(x_(t-1)), the b_t for b is 1. Update both derivatives "
            "before the state becomes x_t, that is, with x_(t-1).",
        ),
        (
            "T단계가 끝나면 연쇄 법칙에 따라 ∂L/∂w = 2(x_T - target) ∂x_T/∂w이고, "
            "∂L/∂b도 같은 꼴입니다. T = 0이면 반복문이 한 번도 실행되지 않으므로 "
            "두 기울기가 모두 0입니다.",
            "After the T steps, the chain rule gives ∂L/∂w = 2(x_T - target) "
            "∂x_T/∂w, and ∂L/∂b likewise. With T = 0 the loop never runs, so both "
            "gradients are 0.",
        ),
    ],
    "9.7-memory-curve": [
        (
            "∂h_T/∂h_(T-k)는 한 단계 야코비 행렬 k개의 곱 "
            "diag(1 - h_T²) W_hh · diag(1 - h_(T-1)²) W_hh ⋯ "
            "diag(1 - h_(T-k+1)²) W_hh입니다. 나중 시간 단계가 왼쪽에 옵니다.",
            "∂h_T/∂h_(T-k) is the product of k one-step Jacobians, "
            "diag(1 - h_T²) W_hh · diag(1 - h_(T-1)²) W_hh ⋯ diag(1 - h_(T-k+1)²) "
            "W_hh, later time steps on the left.",
        ),
        (
            "단위 행렬에서 시작해 k를 하나 늘릴 때마다 지금까지 구한 곱의 오른쪽에 "
            "diag(1 - h_(T-k+1)²) W_hh를 곱하면 됩니다. hs에서 h_(T-k+1)은 "
            "hs[T - k]입니다. diag(v) W는 W의 행 i에 v_i를 곱한 것입니다.",
            "Start from the identity matrix and, each time k grows by one, multiply "
            "the product so far on the right by diag(1 - h_(T-k+1)²) W_hh. In hs, "
            "h_(T-k+1) is hs[T - k]. diag(v) W is W with row i multiplied by v_i.",
        ),
        (
            "스펙트럼 노름은 가장 큰 특잇값입니다"
            "(torch.linalg.matrix_norm(J, ord=2)). 기억 범위는 노름 < threshold가 처음 "
            "성립하는 k이며, k = 0도 따져야 합니다.",
            "The spectral norm is the largest singular value "
            "(torch.linalg.matrix_norm(J, ord=2)). The memory horizon is the first "
            "k with norm < threshold; k = 0 counts too.",
        ),
    ],
}

EXPLAIN = {
    "9.1-forecast-limit": (
        "예측이 상수 x*에 머물면 x* = (w의 합) x* + "
        "b이므로 x* = b / (1 - w의 합)입니다. "
        "그러나 예측이 실제로 x*로 가는지는 특성 다항식의 근으로 정해집니다. 근의 "
        "절댓값이 모두 1보다 작을 때(ρ < 1)만 수렴합니다. 그렇지 않으면 x*가 있어도 "
        "예측이 x*에서 멀어지므로 답은 None입니다. 가중치의 합이 1보다 작아도 "
        "ρ > 1일 수 있습니다(9.1절의 2.5, -2).",
        "If the forecasts stay at a constant x*, then x* = (sum of w) x* + b, so "
        "x* = b / (1 - sum of w). Whether they get there is decided by the roots "
        "of the characteristic polynomial: only when every root has modulus below "
        "1 (ρ < 1) do they converge; otherwise they move away even though x* "
        "exists, and the answer is None. Weights that sum to less than 1 can "
        "still have ρ > 1 (Section 9.1's 2.5, -2).",
    ),
    "9.2-zipf-share": (
        "빈도가 i^(-α)에 비례하므로 상위 k개의 몫은 Σ_(i≤k) i^(-α) / Σ_(i≤N) i^(-α)"
        "입니다. 순위가 높은 몇 단어의 빈도가 매우 크기 때문에 이 값은 k/N보다 훨씬 "
        "큽니다. α = 1, N = 1000이면 상위 10개 단어가 토큰의 약 39%를 차지합니다.",
        "Counts proportional to i^(-α) give the top k the share "
        "Σ_(i≤k) i^(-α) / Σ_(i≤N) i^(-α). The few top ranks are so frequent that "
        "this is far above k/N: with α = 1 and N = 1000 the top 10 words cover "
        "about 39% of the tokens.",
    ),
    "9.3-predict-perplexity": (
        "퍼플렉서티는 exp(-평균 로그 확률)이므로 p_1^(-f) p_2^(-(1-f))입니다. 이는 "
        "확률을 기하평균한 값의 역수이며, 확률을 산술평균한 값의 역수도 아니고 1/p를 "
        "산술평균한 값도 아닙니다. 모든 위치에서 1/|V|를 주는 균등 모델의 퍼플렉서티는 "
        "|V|입니다.",
        "Perplexity is exp(-mean log-probability), which is p_1^(-f) p_2^(-(1-f)): "
        "the inverse of the geometric mean of the probabilities, neither the "
        "inverse of their arithmetic mean nor the mean of 1/p. A uniform model "
        "that gives 1/|V| everywhere has perplexity |V|.",
    ),
    "9.4-lm-sizes": (
        "매개변수는 (|V| + h + 1) h + (h + 1) |V|개로, B와 T에 달려 있지 않습니다. "
        "RNN은 모든 시간 단계에서 같은 매개변수를 쓰기 때문입니다. B는 상태 H_t와 "
        "출력 O_t의 행 수만 정합니다. H_t의 모양은 (B, h), O_t의 모양은 (B, |V|)"
        "입니다.",
        "There are (|V| + h + 1) h + (h + 1) |V| parameters, whatever B and T: an "
        "RNN uses the same parameters at every time step. B only sets the number "
        "of rows of the state H_t, shape (B, h), and of the output O_t, shape "
        "(B, |V|).",
    ),
    "9.5-greedy-loop": (
        "출력이 마지막 토큰에만 달려 있다면, 탐욕적 디코딩은 한 함수를 되풀이해 "
        "적용하는 것과 같습니다. 토큰이 |V|개이므로 |V|단계 안에 이미 나온 토큰이 "
        "다시 나오고, 그 뒤로는 같은 구간이 끝없이 되풀이됩니다. 되풀이가 시작되는 "
        "단계 μ와 구간의 길이 λ를 구하면, n ≥ μ일 때 n번째 토큰은 구간의 "
        "(n - μ) mod λ번째 토큰입니다. "
        "탐욕적 디코딩으로 만든 글이 같은 구절을 되풀이하는 까닭도 여기에 있습니다.",
        "Greedy decoding whose output depends only on the last token applies one "
        "function again and again. With |V| tokens it enters a loop within |V| "
        "steps and then cycles forever. With the step μ where the loop starts and "
        "its length λ, for n ≥ μ the n-th token is the loop's token number "
        "(n - μ) mod λ. That is also why greedy text repeats the same phrase.",
    ),
    "9.5-context-and-reach": (
        "상태를 이어 가면 창 i의 위치 j에 있는 은닉 상태에는 에폭이 시작된 뒤 그 "
        "스트림에서 읽은 입력이 모두 담깁니다. 그 수는 i · num_steps + j + 1개입니다. "
        "상태를 초기화하면 j + 1개뿐입니다. 하지만 detach()로 창의 경계에서 계산 "
        "그래프를 끊으므로, 두 경우 모두 기울기는 창 안의 입력 j + 1개에만 닿습니다. "
        "순전파에서 쓰는 문맥은 길어집니다. 그러나 모델이 먼 과거를 쓰는 법을 배우려면 "
        "기울기가 그 과거까지 닿아야 하는데, 기울기는 여전히 창 안에 머뭅니다.",
        "With the state handed on, the hidden state at position j of window i holds "
        "all i · num_steps + j + 1 inputs its stream has read since the epoch began; "
        "with the state reset, only j + 1. Yet detach() cuts the computational graph "
        "at every window boundary, so in both cases the gradient reaches only the "
        "j + 1 inputs inside the window. The forward pass sees a longer context, but "
        "the gradient that would teach the model to use the distant past stays "
        "inside the window.",
    ),
    "9.6-two-biases": (
        "두 편향은 합으로만 쓰이므로 둘 다 같은 기울기 g를 받습니다. SGD 한 단계에서 "
        "두 편향은 각각 -η g만큼, 그 합은 -2η g만큼 움직입니다. 학습률을 두 배로 "
        "한 것과 같습니다. 전역 노름의 제곱에는 ‖g‖²가 두 번 들어가므로, 두 편향이 "
        "보태는 양은 2‖g‖²입니다.",
        "The two biases appear only as a sum, so both receive the same gradient g. "
        "One SGD step moves each by -η g and their sum by -2η g, as if with twice "
        "the learning rate. The squared global norm counts ‖g‖² twice: 2‖g‖².",
    ),
    "9.7-gradient-fate": (
        "t가 커질 때 ‖W^t‖₂가 어떻게 되는지는 스펙트럼 반지름 ρ로 정해집니다. "
        "ρ < 1이면 0으로 줄고, ρ > 1이면 한없이 커집니다. ‖W‖₂ > 1인 비정규 행렬은 "
        "처음 몇 단계 동안 노름이 커질 수 있지만, ρ < 1이면 결국 0으로 줄어듭니다. "
        "반대로 원소가 작아 보여도 ρ > 1이면 폭주합니다.",
        "The spectral radius ρ decides what ‖W^t‖₂ does in the long run: it "
        "shrinks to 0 for ρ < 1 and grows for ρ > 1. A non-normal matrix with "
        "‖W‖₂ > 1 may grow over the first steps, yet it vanishes in the end when "
        "ρ < 1; entries that look small do not prevent an explosion when ρ > 1.",
    ),
}
