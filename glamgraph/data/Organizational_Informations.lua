-- Module:Organizational_Informations, RECONSTRUCTED by glamgraph's scripts/build_snapshot.py
-- from the Meta-Wiki affiliate listing templates (../shared/data/affiliates.csv).
-- Not the real module: no unique_id, region, dates or derecognised groups were available;
-- group_country is the English name of the country the listing's code or name gives.
return {
    {
        unique_id = 'snapshot-001',
        affiliate_code = 'AM',
        group_name = 'Wikimedia Armenia',
        org_type = 'Chapter',
        region = '',
        group_country = 'Armenia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Armenia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-002',
        affiliate_code = 'AR',
        group_name = 'Wikimedia Argentina',
        org_type = 'Chapter',
        region = '',
        group_country = 'Argentina',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Argentina',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-003',
        affiliate_code = 'AT',
        group_name = 'Wikimedia Austria',
        org_type = 'Chapter',
        region = '',
        group_country = 'Austria',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20%C3%96sterreich',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-004',
        affiliate_code = 'AU',
        group_name = 'Wikimedia Australia',
        org_type = 'Chapter',
        region = '',
        group_country = 'Australia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Australia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-005',
        affiliate_code = 'BD',
        group_name = 'Wikimedia Bangladesh',
        org_type = 'Chapter',
        region = '',
        group_country = 'Bangladesh',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Bangladesh',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-006',
        affiliate_code = 'BE',
        group_name = 'Wikimedia Belgium',
        org_type = 'Chapter',
        region = '',
        group_country = 'Belgium',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Belgium',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-007',
        affiliate_code = 'BR',
        group_name = 'Wikimedia Brasil',
        org_type = 'Chapter',
        region = '',
        group_country = 'Brazil',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Brasil',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-008',
        affiliate_code = 'CA',
        group_name = 'Wikimedia Canada',
        org_type = 'Chapter',
        region = '',
        group_country = 'Canada',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Canada',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-009',
        affiliate_code = 'CH',
        group_name = 'Wikimedia Switzerland',
        org_type = 'Chapter',
        region = '',
        group_country = 'Switzerland',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20CH',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-010',
        affiliate_code = 'CL',
        group_name = 'Wikimedia Chile',
        org_type = 'Chapter',
        region = '',
        group_country = 'Chile',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Chile',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-011',
        affiliate_code = 'CO',
        group_name = 'Wikimedia Colombia',
        org_type = 'Chapter',
        region = '',
        group_country = 'Colombia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Colombia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-012',
        affiliate_code = 'CZ',
        group_name = 'Wikimedia Czech Republic',
        org_type = 'Chapter',
        region = '',
        group_country = 'Czech Republic',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Czech%20Republic',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-013',
        affiliate_code = 'DE',
        group_name = 'Wikimedia Germany',
        org_type = 'Chapter',
        region = '',
        group_country = 'Germany',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Deutschland',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-014',
        affiliate_code = 'DK',
        group_name = 'Wikimedia Denmark',
        org_type = 'Chapter',
        region = '',
        group_country = 'Denmark',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Danmark',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-015',
        affiliate_code = 'EE',
        group_name = 'Wikimedia Estonia',
        org_type = 'Chapter',
        region = '',
        group_country = 'Estonia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Eesti',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-016',
        affiliate_code = 'ES',
        group_name = 'Wikimedia Spain',
        org_type = 'Chapter',
        region = '',
        group_country = 'Spain',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Espa%C3%B1a',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-017',
        affiliate_code = 'FI',
        group_name = 'Wikimedia Finland',
        org_type = 'Chapter',
        region = '',
        group_country = 'Finland',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Suomi',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-018',
        affiliate_code = 'FR',
        group_name = 'Wikimedia France',
        org_type = 'Chapter',
        region = '',
        group_country = 'France',
        group_page = 'https://meta.wikimedia.org/wiki/Wikim%C3%A9dia%20France',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-019',
        affiliate_code = 'GE',
        group_name = 'Wikimedia Georgia',
        org_type = 'Chapter',
        region = '',
        group_country = 'Georgia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20%20%20Georgia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-020',
        affiliate_code = 'HU',
        group_name = 'Wikimedia Hungary',
        org_type = 'Chapter',
        region = '',
        group_country = 'Hungary',
        group_page = 'https://meta.wikimedia.org/wiki/Wikim%C3%A9dia%20Magyarorsz%C3%A1g',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-021',
        affiliate_code = 'ID',
        group_name = 'Wikimedia Indonesia',
        org_type = 'Chapter',
        region = '',
        group_country = 'Indonesia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Indonesia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-022',
        affiliate_code = 'IL',
        group_name = 'Wikimedia Israel',
        org_type = 'Chapter',
        region = '',
        group_country = 'Israel',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Israel',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-023',
        affiliate_code = 'IT',
        group_name = 'Wikimedia Italy',
        org_type = 'Chapter',
        region = '',
        group_country = 'Italy',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Italia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-024',
        affiliate_code = 'KR',
        group_name = 'Wikimedia Korea',
        org_type = 'Chapter',
        region = '',
        group_country = 'South Korea',
        group_page = 'https://meta.wikimedia.org/wiki/%EC%9C%84%ED%82%A4%EB%AF%B8%EB%94%94%EC%96%B4%20%ED%95%9C%EA%B5%AD',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-025',
        affiliate_code = 'MX',
        group_name = 'Wikimedia Mexico',
        org_type = 'Chapter',
        region = '',
        group_country = 'Mexico',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20M%C3%A9xico',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-026',
        affiliate_code = 'NL',
        group_name = 'Wikimedia Netherlands',
        org_type = 'Chapter',
        region = '',
        group_country = 'Netherlands',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Nederland',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-027',
        affiliate_code = 'NO',
        group_name = 'Wikimedia Norway',
        org_type = 'Chapter',
        region = '',
        group_country = 'Norway',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Norge',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-028',
        affiliate_code = 'PL',
        group_name = 'Wikimedia Poland',
        org_type = 'Chapter',
        region = '',
        group_country = 'Poland',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Polska',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-029',
        affiliate_code = 'PT',
        group_name = 'Wikimedia Portugal',
        org_type = 'Chapter',
        region = '',
        group_country = 'Portugal',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Portugal',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-030',
        affiliate_code = 'SE',
        group_name = 'Wikimedia Sweden',
        org_type = 'Chapter',
        region = '',
        group_country = 'Sweden',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Sverige',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-031',
        affiliate_code = 'TW',
        group_name = 'Wikimedia Taiwan',
        org_type = 'Chapter',
        region = '',
        group_country = 'Taiwan',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Taiwan',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-032',
        affiliate_code = 'TH',
        group_name = 'Wikimedia Thailand',
        org_type = 'Chapter',
        region = '',
        group_country = 'Thailand',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Thailand',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-033',
        affiliate_code = 'UA',
        group_name = 'Wikimedia Ukraine',
        org_type = 'Chapter',
        region = '',
        group_country = 'Ukraine',
        group_page = 'https://meta.wikimedia.org/wiki/%D0%92%D1%96%D0%BA%D1%96%D0%BC%D0%B5%D0%B4%D1%96%D0%B0%20%D0%A3%D0%BA%D1%80%D0%B0%D1%97%D0%BD%D0%B0',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-034',
        affiliate_code = 'UK',
        group_name = 'Wikimedia United Kingdom',
        org_type = 'Chapter',
        region = '',
        group_country = 'United Kingdom',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20UK',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-035',
        affiliate_code = 'DC',
        group_name = 'Wikimedia District of Columbia',
        org_type = 'Chapter',
        region = '',
        group_country = 'United States of America',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20District%20of%20Columbia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-036',
        affiliate_code = 'NY',
        group_name = 'Wikimedia New York City',
        org_type = 'Chapter',
        region = '',
        group_country = 'United States of America',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20New%20York%20City',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-037',
        affiliate_code = 'NZL',
        group_name = 'Wikimedia Aotearoa New Zealand',
        org_type = 'Chapter',
        region = '',
        group_country = 'New Zealand',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Aotearoa%20New%20Zealand',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-038',
        affiliate_code = 'VE',
        group_name = 'Wikimedia Venezuela',
        org_type = 'Chapter',
        region = '',
        group_country = 'Venezuela',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Venezuela',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-039',
        affiliate_code = 'ZA',
        group_name = 'Wikimedia South Africa',
        org_type = 'Chapter',
        region = '',
        group_country = 'South Africa',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20South%20Africa',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-040',
        affiliate_code = 'CAT',
        group_name = 'Amical Wikimedia',
        org_type = 'Thematic Organization',
        region = 'International',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Amical%20Wikimedia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-041',
        affiliate_code = 'WPM',
        group_name = 'Wiki Project Med',
        org_type = 'Thematic Organization',
        region = 'International',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wiki%20Project%20Med',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-042',
        affiliate_code = 'ACD',
        group_name = 'AfroCROWD User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/AfroCROWD_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-043',
        affiliate_code = 'A+F',
        group_name = 'Art+Feminism',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Art%252BFeminism_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-044',
        affiliate_code = 'ALB',
        group_name = 'Wikimedia Community User Group Albania',
        org_type = 'User Group',
        region = '',
        group_country = 'Albania',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia_Community_User_Group_Albania',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-045',
        affiliate_code = 'ARE',
        group_name = 'Wikimedians of United Arab Emirates User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'United Arab Emirates',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20United%20Arab%20Emirates%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-046',
        affiliate_code = 'AZE',
        group_name = 'Azerbaijani Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Azerbaijan',
        group_page = 'https://meta.wikimedia.org/wiki/Azerbaijani%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-047',
        affiliate_code = 'BA-SRP',
        group_name = 'Wikimedians of Republic of Srpska',
        org_type = 'User Group',
        region = '',
        group_country = 'Bosnia and Herzegovina',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Republic%20of%20Srpska',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-048',
        affiliate_code = 'BAQ',
        group_name = 'Basque Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Basque_Wikimedians_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-049',
        affiliate_code = 'BEN',
        group_name = 'Wikimédiens du Bénin User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Benin',
        group_page = 'https://meta.wikimedia.org/wiki/Wikim%C3%A9diens%20du%20B%C3%A9nin%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-050',
        affiliate_code = 'BFA',
        group_name = 'Wikimédiens du Burkina Faso User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Burkina Faso',
        group_page = 'https://meta.wikimedia.org/wiki/Wikim%C3%A9diens%20du%20Burkina%20Faso',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-051',
        affiliate_code = 'BOL',
        group_name = 'Wikimedistas de Bolivia User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Bolivia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedistas_de_Bolivia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-052',
        affiliate_code = 'BWA',
        group_name = 'Wikimedia Community User Group Botswana',
        org_type = 'User Group',
        region = '',
        group_country = 'Botswana',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Botswana',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-053',
        affiliate_code = 'CEE',
        group_name = 'Wikimedia Community User Group CEE Spring',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20CEE%20Spring',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-054',
        affiliate_code = 'CMW',
        group_name = 'Wikimedians of Cameroon User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Cameroon',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Cameroon%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-055',
        affiliate_code = 'CIV',
        group_name = 'Wikimedia Community User Group Côte d\'Ivoire',
        org_type = 'User Group',
        region = '',
        group_country = 'Ivory Coast',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20C%C3%B4te%20d\'Ivoire',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-056',
        affiliate_code = 'CPH',
        group_name = 'Commons Photographers User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://commons.wikimedia.org/wiki/Commons%3ACommons%20Photographers%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-057',
        affiliate_code = 'COD',
        group_name = 'Wikimedians of Democratic Republic of Congo User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Democratic Republic of the Congo',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Democratic%20Republic%20of%20Congo%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-058',
        affiliate_code = 'COG',
        group_name = 'Wikimedians of Republic of Congo User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Republic of the Congo',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Republic%20of%20Congo%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-059',
        affiliate_code = 'CYP',
        group_name = 'Wikimedia Community User Group Cyprus',
        org_type = 'User Group',
        region = '',
        group_country = 'Cyprus',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Cyprus',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-060',
        affiliate_code = 'DCW',
        group_name = 'Deoband Community Wikimedia User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Deoband%20Community%20Wikimedia%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-061',
        affiliate_code = 'DWU',
        group_name = 'Dagbani Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Dagbani%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-062',
        affiliate_code = 'DZA',
        group_name = 'Algerian Wikimedians User Group aka WikiDZ',
        org_type = 'User Group',
        region = '',
        group_country = 'Algeria',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Algeria',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-063',
        affiliate_code = 'ECU',
        group_name = 'Wikimedistas de Ecuador User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Ecuador',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedistas%20de%20Ecuador',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-064',
        affiliate_code = 'EGY',
        group_name = 'Egypt Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Egypt',
        group_page = 'https://meta.wikimedia.org/wiki/Egypt%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-065',
        affiliate_code = 'ELiSo',
        group_name = 'Esperanto kaj Libera Scio',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Esperanto%20kaj%20Libera%20Scio',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-066',
        affiliate_code = 'GHA',
        group_name = 'Wikimedia Ghana User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Ghana',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Ghana',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-067',
        affiliate_code = 'GIN',
        group_name = 'Wikimedia Community User Group Guinea Conakry',
        org_type = 'User Group',
        region = '',
        group_country = 'Guinea',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Guinea%20Conakry',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-068',
        affiliate_code = 'GRC',
        group_name = 'Wikimedia Community User Group Greece',
        org_type = 'User Group',
        region = '',
        group_country = 'Greece',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Greece',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-069',
        affiliate_code = 'GWU',
        group_name = 'Gungbe Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Gungbe%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-070',
        affiliate_code = 'HDW',
        group_name = 'Hindi Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Hindi%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-071',
        affiliate_code = 'HKG',
        group_name = 'Wikimedia Community User Group Hong Kong',
        org_type = 'User Group',
        region = '',
        group_country = 'Hong Kong',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Hong%20Kong',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-072',
        affiliate_code = 'HTI',
        group_name = 'Wikimedia Community User Group Haiti',
        org_type = 'User Group',
        region = '',
        group_country = 'Haiti',
        group_page = 'https://meta.wikimedia.org/wiki/Community_Wikimedia_User_Group_Ha%C3%AFti',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-073',
        affiliate_code = 'IRL',
        group_name = 'Wikimedia Community Ireland User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Ireland',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20Ireland',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-074',
        affiliate_code = 'IRQ',
        group_name = 'Iraqi Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Iraq',
        group_page = 'https://meta.wikimedia.org/wiki/Iraqi%20Wikimedians',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-075',
        affiliate_code = 'IRN',
        group_name = 'Iranian Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Iran',
        group_page = 'https://meta.wikimedia.org/wiki/Iranian%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-076',
        affiliate_code = 'IN-KL',
        group_name = 'Wikimedians of Kerala User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'India',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Kerala%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-077',
        affiliate_code = 'JPN',
        group_name = 'Wikimedians of Japan User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Japan',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Japan%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-078',
        affiliate_code = 'JWK',
        group_name = 'Jenga Wikipedia ya Kiswahili',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Jenga_Wikipedia_ya_Kiswahili',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-079',
        affiliate_code = 'KAS',
        group_name = 'Kashmiri Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Kashmiri%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-080',
        affiliate_code = 'KVL',
        group_name = 'Karavali Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Karavali%20Wikimedians',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-081',
        affiliate_code = 'LAG',
        group_name = 'Wikimedians of Lagos User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Nigeria',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Lagos%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-082',
        affiliate_code = 'LGBT',
        group_name = 'Wikimedia LGBT+ User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20LGBT/Portal',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-083',
        affiliate_code = 'LEV',
        group_name = 'Wikimedians of the Levant User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20the%20Levant',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-084',
        affiliate_code = 'LSP',
        group_name = 'Les sans pagEs User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Les%20sans%20pagEs',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-085',
        affiliate_code = 'NAM',
        group_name = 'Wikimedia Community User Group Namibia',
        org_type = 'User Group',
        region = '',
        group_country = 'Namibia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Namibia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-086',
        affiliate_code = 'MAR',
        group_name = 'Wikimedia MA User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Morocco',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20MA%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-087',
        affiliate_code = 'MAI',
        group_name = 'Maithili Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Maithili%20Wikimedians',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-088',
        affiliate_code = 'MATH',
        group_name = 'Wikimedia Community User Group Math',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Math',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-089',
        affiliate_code = 'MDG',
        group_name = 'Wikimedia Community User Group Madagascar',
        org_type = 'User Group',
        region = '',
        group_country = 'Madagascar',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Madagascar',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-090',
        affiliate_code = 'MKD',
        group_name = 'Wikimedia MKD User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'North Macedonia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20MKD',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-091',
        affiliate_code = 'MLA',
        group_name = 'Muj(lh)eres latinoamericanas en Wikimedia',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Muj(lh)eres_latinoamericanas_en_Wikimedia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-092',
        affiliate_code = 'MLI',
        group_name = 'Wikimedians of Mali User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Mali',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Mali%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-093',
        affiliate_code = 'MLT',
        group_name = 'Wikimedia Community User Group Malta',
        org_type = 'User Group',
        region = '',
        group_country = 'Malta',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia_Community_User_Group_Malta',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-094',
        affiliate_code = 'MMR',
        group_name = 'Myanmar Wikimedia Community User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Myanmar',
        group_page = 'https://meta.wikimedia.org/wiki/Myanmar_Wikimedia_Community_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-095',
        affiliate_code = 'MW-SG',
        group_name = 'MediaWiki Stakeholders\' Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://www.mediawiki.org/wiki/Special%3AMyLanguage/MediaWiki%20Stakeholders\'%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-096',
        affiliate_code = 'MYS',
        group_name = 'Wikimedia Community User Group Malaysia',
        org_type = 'User Group',
        region = '',
        group_country = 'Malaysia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia_Community_User_Group_Malaysia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-097',
        affiliate_code = 'NER',
        group_name = 'Wikimedia Community User Group Niger',
        org_type = 'User Group',
        region = '',
        group_country = 'Niger',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Niger',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-098',
        affiliate_code = 'NPL',
        group_name = 'Wikimedians of Nepal',
        org_type = 'User Group',
        region = '',
        group_country = 'Nepal',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Nepal',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-099',
        affiliate_code = 'NGA',
        group_name = 'Wikimedia Community User Group Nigeria',
        org_type = 'User Group',
        region = '',
        group_country = 'Nigeria',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Nigeria',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-100',
        affiliate_code = 'NGA-HA',
        group_name = 'Hausa Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Nigeria',
        group_page = 'https://meta.wikimedia.org/wiki/Hausa_Wikimedians_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-101',
        affiliate_code = 'NGA-IG',
        group_name = 'Igbo Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Nigeria',
        group_page = 'https://meta.wikimedia.org/wiki/Igbo_Wikimedians_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-102',
        affiliate_code = 'IMD',
        group_name = 'Indic MediaWiki Developers User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Indic%20MediaWiki%20Developers%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-103',
        affiliate_code = 'KWU',
        group_name = 'Kurdish Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Kurdish%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-104',
        affiliate_code = 'NGA-YO',
        group_name = 'Yoruba Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Nigeria',
        group_page = 'https://meta.wikimedia.org/wiki/Yoruba_Wikimedians_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-105',
        affiliate_code = 'NWR-Hist',
        group_name = 'North-West Russia Wiki-Historians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Russia',
        group_page = 'https://meta.wikimedia.org/wiki/North-West_Russia_Wiki-Historians_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-106',
        affiliate_code = 'PAN',
        group_name = 'Punjabi Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Punjabi%20Wikimedians',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-107',
        affiliate_code = 'PER',
        group_name = 'Wikimedians of Peru User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Peru',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Peru%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-108',
        affiliate_code = 'PH-WC',
        group_name = 'Philippine Wikimedia Community User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Philippines',
        group_page = 'https://meta.wikimedia.org/wiki/PhilWiki%20Community',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-109',
        affiliate_code = 'LKA',
        group_name = 'Wikimedia Community User Group Sri Lanka',
        org_type = 'User Group',
        region = '',
        group_country = 'Sri Lanka',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Sri%20Lanka',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-110',
        affiliate_code = 'ODW',
        group_name = 'Odia Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Odia%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-111',
        affiliate_code = 'ROU-MDA',
        group_name = 'Wikimedians of Romania and Moldova User Group',
        org_type = 'User Group',
        region = '',
        group_country = {'Moldova', 'Romania'},
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Romania%20and%20Moldova',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-112',
        affiliate_code = 'RWA',
        group_name = 'Wikimedia Community User Group Rwanda',
        org_type = 'User Group',
        region = '',
        group_country = 'Rwanda',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Rwanda',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-113',
        affiliate_code = 'SEN',
        group_name = 'Wikimedia Community User Group Sénégal',
        org_type = 'User Group',
        region = '',
        group_country = 'Senegal',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20S%C3%A9n%C3%A9gal',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-114',
        affiliate_code = 'SGP',
        group_name = 'Wikimedians of Singapore User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Singapore',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Singapore%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-115',
        affiliate_code = 'STE',
        group_name = 'Wikimedia Stewards User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia_Stewards_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-116',
        affiliate_code = 'SQI',
        group_name = 'Wikimedians of Albanian Language User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Albanian%20Language%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-117',
        affiliate_code = 'SUD',
        group_name = 'Wikimedia Community User Group Sudan',
        org_type = 'User Group',
        region = '',
        group_country = 'Sudan',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia_Community_User_Group_Sudan',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-118',
        affiliate_code = 'SSA',
        group_name = 'Wikimedia Community User Group South Sudan',
        org_type = 'User Group',
        region = '',
        group_country = 'South Sudan',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia_Community_User_Group_South_Sudan',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-119',
        affiliate_code = 'SVK',
        group_name = 'Wikimedians of Slovakia User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Slovakia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians_of_Slovakia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-120',
        affiliate_code = 'SVN',
        group_name = 'Wikipedians of Slovenia User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Slovenia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikipedians_of_Slovenia_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-121',
        affiliate_code = 'TCD',
        group_name = 'Wikimedians of Tchad User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Chad',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Tchad%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-122',
        affiliate_code = 'TGO',
        group_name = 'Wikimedia Community of Togo User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Togo',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20of%20Togo%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-123',
        affiliate_code = 'TJK',
        group_name = 'Tajik Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Tajik%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-124',
        affiliate_code = 'TUN',
        group_name = 'Wikimedia TN User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Tunisia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Tunisie',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-125',
        affiliate_code = 'TUR',
        group_name = 'Wikimedia Community User Group Turkey',
        org_type = 'User Group',
        region = '',
        group_country = 'Turkey',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Turkey',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-126',
        affiliate_code = 'TRK',
        group_name = 'Wikimedians of Turkic Languages User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Turkic%20Languages%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-127',
        affiliate_code = 'TWU',
        group_name = 'Tyap Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Tyap%20Wikimedians%20Proposed%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-128',
        affiliate_code = 'TZA',
        group_name = 'Wikimedia Community User Group Tanzania',
        org_type = 'User Group',
        region = '',
        group_country = 'Tanzania',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia_Community_User_Group_Tanzania',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-129',
        affiliate_code = 'TZM',
        group_name = 'Wikimedians of Tamazight User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians_of_Tamazight_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-130',
        affiliate_code = 'UGA',
        group_name = 'Wikimedia Community User Group Uganda',
        org_type = 'User Group',
        region = '',
        group_country = 'Uganda',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Uganda',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-131',
        affiliate_code = 'US-CHI',
        group_name = 'Wikimedians of Chicago User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'United States of America',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20of%20Chicago%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-132',
        affiliate_code = 'US-GAP',
        group_name = 'Georgia Piedmont Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'United States of America',
        group_page = 'https://meta.wikimedia.org/wiki/Georgia%20Piedmont%20Wikimedians',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-133',
        affiliate_code = 'US-NE',
        group_name = 'New England Wikimedians',
        org_type = 'User Group',
        region = '',
        group_country = 'United States of America',
        group_page = 'https://meta.wikimedia.org/wiki/New%20England%20Wikimedians',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-134',
        affiliate_code = 'US-OH',
        group_name = 'Ohio Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'United States of America',
        group_page = 'https://meta.wikimedia.org/wiki/Ohio%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-135',
        affiliate_code = 'US-SAN',
        group_name = 'San Diego Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'United States of America',
        group_page = 'https://meta.wikimedia.org/wiki/San_Diego_Wikimedians_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-136',
        affiliate_code = 'VNM',
        group_name = 'Vietnam Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'Vietnam',
        group_page = 'https://meta.wikimedia.org/wiki/Vietnam%20Wikimedians%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-137',
        affiliate_code = 'WAM',
        group_name = 'Wikipedia Asian Month User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikipedia%20Asian%20Month%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-138',
        affiliate_code = 'WKB',
        group_name = 'Wikibase Community User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikibase_Community_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-139',
        affiliate_code = 'WBG',
        group_name = 'West Bengal Wikimedians User Group',
        org_type = 'User Group',
        region = '',
        group_country = 'India',
        group_page = 'https://meta.wikimedia.org/wiki/West%20Bengal%20Wikimedians',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-140',
        affiliate_code = 'WCK',
        group_name = 'Wikimedia Community User Group Kenya',
        org_type = 'User Group',
        region = '',
        group_country = 'Kenya',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Kenya',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-141',
        affiliate_code = 'WCS',
        group_name = 'WikiClassics User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/WikiClassics%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-142',
        affiliate_code = 'WDG',
        group_name = 'WikiDonne User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/WikiDonne',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-143',
        affiliate_code = 'WGU',
        group_name = 'Wikimujeres Grupo de Usuarias',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimujeres',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-144',
        affiliate_code = 'WIS',
        group_name = 'Wikimedians of the Caribbean User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians_of_the_Caribbean_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-145',
        affiliate_code = 'WKJ',
        group_name = 'WikiJournal',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/WikiJournal%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-146',
        affiliate_code = 'WK?',
        group_name = 'Whose Knowledge?',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Whose%20Knowledge%3F',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-147',
        affiliate_code = 'W&E',
        group_name = 'Wikipedia & Education User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikipedia_%2526_Education_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-148',
        affiliate_code = 'WOW',
        group_name = 'Wikimedians for Offline Wikis User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians_for_offline_wikis',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-149',
        affiliate_code = 'WPL',
        group_name = 'Wikimedia and Libraries User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20and%20Libraries%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-150',
        affiliate_code = 'WREN',
        group_name = 'Wikimedians in Residence Exchange Network User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians_in_Residence_Exchange_Network',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-151',
        affiliate_code = 'WSC',
        group_name = 'Wikisource Community User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikisource%20Community%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-152',
        affiliate_code = 'WSP',
        group_name = 'Wikimedia Small Projects in Spanish User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Small%20Projects%20in%20Spanish',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-153',
        affiliate_code = 'WSD',
        group_name = 'Wikimedians for Sustainable Development',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians%20for%20Sustainable%20Development',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-154',
        affiliate_code = 'WAL',
        group_name = 'Wikimedians of Western Armenian Language User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedians_of_Western_Armenian_Language_User_Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-155',
        affiliate_code = 'WWH',
        group_name = 'Wiki World Heritage User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/Wiki%20World%20Heritage%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-156',
        affiliate_code = 'WDU',
        group_name = 'Wikimedistas de Uruguay',
        org_type = 'User Group',
        region = '',
        group_country = 'Uruguay',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedistas%20de%20Uruguay',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-157',
        affiliate_code = 'WKW',
        group_name = 'WikiWomen\'s User Group',
        org_type = 'User Group',
        region = '',
        group_country = '',
        group_page = 'https://meta.wikimedia.org/wiki/WikiWomen\'s%20User%20Group',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-158',
        affiliate_code = 'ZMB',
        group_name = 'Wikimedia Community User Group Zambia',
        org_type = 'User Group',
        region = '',
        group_country = 'Zambia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia%20Community%20User%20Group%20Zambia',
        recognition_status = 'recognised'
    },
    {
        unique_id = 'snapshot-159',
        affiliate_code = 'RS',
        group_name = 'Wikimedia Serbia',
        org_type = 'Chapter',
        region = '',
        group_country = 'Serbia',
        group_page = 'https://meta.wikimedia.org/wiki/Wikimedia_Serbia',
        recognition_status = 'recognised'
    },
}
