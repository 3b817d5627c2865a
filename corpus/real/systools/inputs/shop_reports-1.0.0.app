{application, shop_reports,
 [{description, "relupkit corpus demo: shop_reports"},
  {vsn, "1.0.0"},
  {modules, [shop_reports]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
