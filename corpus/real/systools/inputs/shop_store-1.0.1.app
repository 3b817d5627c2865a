{application, shop_store,
 [{description, "relupkit corpus demo: shop_store"},
  {vsn, "1.0.1"},
  {modules, [shop_store_api,shop_store_db]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
