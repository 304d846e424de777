/**
 * Pages a real 18.0 server sends for routes it does not have, for the simulator's HTTP face. Kept as
 * strings because the simulator runs from dist/, where the capture files are not copied.
 */

/**
 * The "page not found" of Odoo 18.0's website layout, as captured for `GET` and `POST /web/version`
 * (v18-30, v18-31: 6,357 bytes). Only the csrf_token differs from one request to the next. The same
 * page is served for 16.0 and 17.0 [UNVERIFIED: their layout differs].
 */
export function odooNotFoundPage(csrfToken: string): string {
  return NOT_FOUND_BEFORE_TOKEN + csrfToken + NOT_FOUND_AFTER_TOKEN;
}

/**
 * Werkzeug's `redirect()` body (v18-32, 313 bytes for the captured path): the location, HTML-escaped,
 * as link and text.
 */
export function werkzeugRedirectBody(location: string): string {
  const shown = location
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
  return (
    '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n' +
    `<p>You should be redirected automatically to the target URL: <a href="${shown}">${shown}</a>. If not, click the link.\n`
  );
}

const NOT_FOUND_BEFORE_TOKEN = [
  '<!DOCTYPE html>\n',
  '<html>\n',
  '    <head>\n',
  '        <meta charset="utf-8"/>\n',
  '        <meta http-equiv="X-UA-Compatible" content="IE=edge"/>\n',
  '        <meta name="viewport" content="width=device-width, initial-scale=1"/>\n',
  '        <title>Odoo</title>\n',
  '        <link type="image/x-icon" rel="shortcut icon" href="/web/static/img/favicon.ico"/>\n',
  '        <link rel="preload" href="/web/static/src/libs/fontawesome/fonts/fontawesome-webfont.woff2?v=4.7.0" as="font" crossorigin=""/>\n',
  '        <link type="text/css" rel="stylesheet" href="/web/assets/7076341/web.assets_frontend.min.css"/>\n',
  '        <script id="web.layout.odooscript" type="text/javascript">\n',
  '            var odoo = {\n',
  '                csrf_token: "',
].join('');

const NOT_FOUND_AFTER_TOKEN = [
  '",\n',
  '                debug: "",\n',
  '            };\n',
  '        </script>\n',
  '        <script type="text/javascript">\n',
  '            odoo.__session_info__ = {"is_admin": false, "is_system": false, "is_public": true, "is_internal_user": false, "is_website_user": false, "uid": null, "is_frontend": true, "profile_session": null, "profile_collectors": null, "profile_params": null, "show_effect": true, "currencies": {"125": {"symbol": "\\u20ac", "position": "after", "digits": [69, 2]}, "1": {"symbol": "$", "position": "before", "digits": [69, 2]}}, "quick_login": true, "bundle_params": {"lang": "en_US"}, "test_mode": false, "websocket_worker_version": "18.0-5", "translationURL": "/website/translations", "cache_hashes": {"translations": "da6df2b31e076cf8e6768e526a74de4b8ff94c34"}};\n',
  '            if (!/(^|;\\s)tz=/.test(document.cookie)) {\n',
  '                const userTZ = Intl.DateTimeFormat().resolvedOptions().timeZone;\n',
  '                document.cookie = `tz=${userTZ}; path=/`;\n',
  '            }\n',
  '        </script>\n',
  '        <script type="text/javascript" defer="defer" src="/web/assets/e82648e/web.assets_frontend_minimal.min.js" onerror="__odooAssetError=1"></script>\n',
  '        <script type="text/javascript" defer="defer" data-src="/web/assets/9d31024/web.assets_frontend_lazy.min.js" onerror="__odooAssetError=1"></script>\n',
  '        \n',
  '    </head>\n',
  '    <body>\n',
  '        <div id="wrapwrap" class="  ">\n',
  '            <a class="o_skip_to_content btn btn-primary rounded-0 visually-hidden-focusable position-absolute start-0" href="#wrap">Skip to Content</a>\n',
  '                <header id="top" data-anchor="true">\n',
  '                    \n',
  '                <nav class="navbar navbar-expand navbar-light bg-light">\n',
  '                    <div class="container">\n',
  '                        <a href="/" class="navbar-brand logo">\n',
  '                            <img src="/logo.png?company=1" alt="Logo of YourCompany" title="YourCompany"/>\n',
  '                        </a>\n',
  '                        <ul id="top_menu" class="nav navbar-nav ms-auto">\n',
  '            <li class="nav-item o_no_autohide_item">\n',
  '                <a href="/web/login" class="nav-link">Sign in</a>\n',
  '            </li>\n',
  '        \n',
  '        \n',
  '                        </ul>\n',
  '                    </div>\n',
  '                </nav>\n',
  '            \n',
  '        </header>\n',
  '                <main>\n',
  '                    \n',
  '            <div id="wrap">\n',
  '                \n',
  '                <div class="oe_structure oe_empty">\n',
  '                    <section class="s_text_image pt104 pb104" data-snippet="s_image_text" data-name="Image - Text">\n',
  '                        <div class="container">\n',
  '                            <div class="row align-items-center">\n',
  '                                <div class="col-lg-4 pb32">\n',
  '                                    <img class="img img-fluid mx-auto" src="/web_editor/shape/http_routing/404.svg?c2=o-color-2" alt=""/>\n',
  '                                </div>\n',
  '                                <div class="col-lg-8 text-lg-start text-center my-auto">\n',
  '                                    <h1 class="visually-hidden">Error 404</h1>\n',
  "                                    <h2>We couldn't find the page you're looking for!</h2>\n",
  '                                    <p></p>\n',
  '                                    <p><b>Don\'t panic.</b> If you think it\'s our mistake, please send us a message on <a href="/contactus">this page</a>.</p>\n',
  '                                </div>\n',
  '                                <div class="col-lg-12">\n',
  '                                    <div class="s_hr pt32 pb48" data-snippet="s_hr" data-name="Separator">\n',
  '                                        <hr class="w-100 mx-auto" style="border-top-width: 1px; border-top-style: solid; border-top-color: var(--400);"/>\n',
  '                                    </div>\n',
  '                                </div>\n',
  '                                <div class="col-lg-12">\n',
  '                                    <p class="text-center">Maybe you were looking for one of these <b>popular pages?</b></p>\n',
  '                                    <ul class="list-inline text-center">\n',
  '                                        <li class="list-inline-item mb-2"><a href="/" class="btn btn-primary">Home</a></li>\n',
  '                                    </ul>\n',
  '                                </div>\n',
  '                            </div>\n',
  '                        </div>\n',
  '                    </section>\n',
  '                </div>\n',
  '            </div>\n',
  '        \n',
  '                </main>\n',
  '                <footer id="bottom" data-anchor="true" class="bg-light o_footer">\n',
  '                    <div id="footer"></div>\n',
  '                    <div class="o_footer_copyright">\n',
  '                        <div class="container py-3">\n',
  '                            <div class="row">\n',
  '                                <div class="col-sm text-center text-sm-start text-muted">\n',
  '                                    <span class="o_footer_copyright_name me-2">Copyright &copy; <span itemprop="name">YourCompany</span></span>\n',
  '        \n',
  '        \n',
  '                                </div>\n',
  '                                <div class="col-sm text-center text-sm-end">\n',
  '        <div class="o_brand_promotion">\n',
  '        Powered by \n',
  '            <a target="_blank" class="badge text-bg-light" href="http://www.odoo.com?utm_source=db&amp;utm_medium=portal">\n',
  '                <img alt="Odoo" src="/web/static/img/odoo_logo_tiny.png" width="62" height="20" style="width: auto; height: 1em; vertical-align: baseline;"/>\n',
  '            </a>\n',
  '        \n',
  '        </div>\n',
  '                                </div>\n',
  '                            </div>\n',
  '                        </div>\n',
  '                    </div>\n',
  '                </footer>\n',
  '            </div>\n',
  '        </body>\n',
  '</html>',
].join('');
