"""Korean causes for the providers' own error codes, as `aegis doctor` and operator alerts state them."""

from __future__ import annotations

# data.go.kr gateway `returnReasonCode` → what the operator must check.
DATAGOKR_CAUSES: dict[str, str] = {
    "01": "제공기관 서버 오류입니다 (잠시 후 다시 확인)",
    "02": "제공기관 DB 오류입니다 (잠시 후 다시 확인)",
    "03": "데이터가 없습니다",
    "04": "제공기관 HTTP 오류입니다 (잠시 후 다시 확인)",
    "05": "제공기관 서비스 연결 실패(시간 초과)입니다 (잠시 후 다시 확인)",
    "10": "잘못된 요청 파라미터입니다 (Aegis 버그: 이슈로 알려 주세요)",
    "11": "필수 요청 파라미터가 없습니다 (Aegis 버그: 이슈로 알려 주세요)",
    "12": "해당 오픈API 서비스가 없거나 폐기되었습니다 (URL 확인)",
    "20": "서비스 접근이 거부되었습니다 (활용신청 승인 전이거나 승인이 취소됨)",
    "22": "일일 요청 한도를 초과했습니다 (내일 다시, 또는 운영계정 신청)",
    "23": "초당 요청 한도를 초과했습니다 (잠시 후 다시)",
    "30": "키가 이중 인코딩되었거나, 이 데이터셋에 활용신청이 안 됐거나, 신청·재발급 후 동기화(약 1시간) 전입니다",
    "31": "활용기간이 만료된 키입니다 (data.go.kr에서 연장 신청)",
    "32": "등록되지 않은 IP에서 호출했습니다 (활용신청의 서버 IP 확인)",
    "99": "data.go.kr 게이트웨이의 알 수 없는 오류입니다 (잠시 후 다시 확인)",
}

# api.odcloud.kr `{"code": …}` → cause.
ODCLOUD_CAUSES: dict[str, str] = {
    "-401": "인증키가 없거나 유효하지 않습니다 (Infuser 키, 이 데이터셋 활용신청·승인 여부 확인)",
    "-4": "등록되지 않은 인증키입니다 (활용신청 후 동기화(약 1시간) 전일 수 있습니다)",
    "-3": "이 데이터셋에 활용신청이 안 된 키입니다",
}

# NCP API Gateway `errorCode` (SENS) → cause.
SENS_CAUSES: dict[str, str] = {
    "200": "인증 실패: access key·secret key 또는 서버 시계(5분 이상 차이) 확인",
    "210": "권한 없음: 이 키(서브 계정)에 SENS 사용 권한이 있는지 확인",
    "300": "SENS 서비스를 찾을 수 없습니다 (service ID·base URL 확인)",
    "400": "요청 한도 초과입니다 (잠시 후 다시)",
}

# HTTP status of an LLM provider or the Bot API, by the gateway's error class → cause.
LLM_CAUSES: dict[str, str] = {
    "ProviderAuthError": "API 키가 거부되었습니다 (401/403: 키·결제·모델 권한 확인)",
    "ProviderRateLimited": "요청 한도를 초과했습니다 (429: 요금제·한도 확인)",
    "ProviderServerError": "제공자 서버 오류입니다 (5xx: 잠시 후 다시 확인)",
    "ProviderTimeout": "제한 시간 안에 응답이 없습니다 (AEGIS_LLM__TIMEOUT_S, 네트워크 확인)",
    "ProviderConnectError": "연결할 수 없습니다 (api_base 주소·방화벽 확인)",
    "CircuitOpen": "연속 실패로 차단 중입니다 (회로 차단기)",
}


def datagokr_cause(code: str | None) -> str:
    """Return the cause of a data.go.kr code, naming the code itself when it is unknown."""
    if code is None:
        return "data.go.kr 응답을 해석할 수 없습니다"
    return DATAGOKR_CAUSES.get(code.zfill(2) if code.isdigit() else code, f"알 수 없는 오류 코드 {code}")


def odcloud_cause(code: str | None, message: str = "") -> str:
    """Return the cause of an odcloud error code (the gateway's own message when the code is unknown)."""
    return ODCLOUD_CAUSES.get(str(code), message or f"알 수 없는 오류 코드 {code}")


def sens_cause(status: int | None, code: str | None) -> str:
    """Return the cause of a SENS/API Gateway failure from its HTTP status and `errorCode`."""
    if code in SENS_CAUSES:
        return SENS_CAUSES[code]
    if status == 401:
        return SENS_CAUSES["200"]
    if status == 403:
        return SENS_CAUSES["210"]
    return "SENS 호출이 실패했습니다"
