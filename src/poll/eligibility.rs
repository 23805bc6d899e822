//! Who may vote in a channel's poll: `--members-only` (members for more
//! than a day) and `--countries` (ISO 3166-1 alpha-2 codes), as Telegram's
//! `members_only` and `country_codes`.

/// Telegram takes at most this many country codes.
pub const MAX_COUNTRIES: usize = 12;

/// Telegram's code for users with anonymous numbers (Fragment), which it
/// takes beside the ISO codes.
pub const ANONYMOUS_NUMBERS: &str = "FT";

/// The ISO 3166-1 alpha-2 codes (249, as the standard lists them today;
/// generated with pycountry 26.2.16).
const ISO_3166_ALPHA_2: &str = "\
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN
    CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF
    GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
    JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK
    ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG
    PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS
    ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW";

/// Why a `--countries` list cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountryError {
    /// Not an ISO 3166-1 alpha-2 code (nor `FT`).
    Unknown(String),
    /// More than [`MAX_COUNTRIES`] codes.
    TooMany(usize),
    /// No code at all.
    Empty,
}

/// Reads `RU,CN` (any case, spaces allowed after commas): the codes in
/// upper case, in order, each once.
pub fn parse_countries(text: &str) -> Result<Vec<String>, CountryError> {
    let mut codes: Vec<String> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let code = part.to_ascii_uppercase();
        if !is_country_code(&code) {
            return Err(CountryError::Unknown(part.to_owned()));
        }
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    match codes.len() {
        0 => Err(CountryError::Empty),
        n if n > MAX_COUNTRIES => Err(CountryError::TooMany(n)),
        _ => Ok(codes),
    }
}

/// Whether `code` (upper case) is an ISO 3166-1 alpha-2 code or `FT`.
pub fn is_country_code(code: &str) -> bool {
    code == ANONYMOUS_NUMBERS
        || (code.len() == 2 && ISO_3166_ALPHA_2.split_whitespace().any(|c| c == code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_249_distinct_sorted_codes() {
        let codes: Vec<&str> = ISO_3166_ALPHA_2.split_whitespace().collect();
        assert_eq!(codes.len(), 249);
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
        assert!(codes.iter().all(|c| c.len() == 2));
    }

    #[test]
    fn countries_are_read_in_any_case_once_each() {
        assert_eq!(parse_countries("RU,CN"), Ok(vec!["RU".into(), "CN".into()]));
        assert_eq!(
            parse_countries("ru, cn,RU,ft"),
            Ok(vec!["RU".into(), "CN".into(), "FT".into()])
        );
    }

    #[test]
    fn a_bad_code_is_named_and_too_many_are_counted() {
        assert_eq!(
            parse_countries("RU,XX"),
            Err(CountryError::Unknown("XX".into()))
        );
        assert_eq!(
            parse_countries("RUS"),
            Err(CountryError::Unknown("RUS".into()))
        );
        assert_eq!(
            parse_countries("UK"),
            Err(CountryError::Unknown("UK".into()))
        );
        assert_eq!(parse_countries(","), Err(CountryError::Empty));
        let thirteen = "AD,AE,AF,AG,AI,AL,AM,AO,AQ,AR,AS,AT,AU";
        assert_eq!(parse_countries(thirteen), Err(CountryError::TooMany(13)));
        assert_eq!(parse_countries(&thirteen[..35]).map(|c| c.len()), Ok(12));
    }
}
