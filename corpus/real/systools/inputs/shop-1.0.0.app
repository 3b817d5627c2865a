{application, shop,
 [{description, "relupkit corpus demo: shop"},
  {vsn, "1.0.0"},
  {modules, [shop_app,shop_cart,shop_legacy,shop_sup,shop_util]},
  {registered, []},
  {applications, [kernel, stdlib]},
  {mod, {shop_app, []}}]}.
